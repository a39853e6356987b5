; cpuid: asks for CPUID leaf 0 (which always exits to the host under VMX),
; then reports the answer's ax and bx with OUTs to port 0xe9, and halts.
; Comments give each instruction's address and bytes.
        bits 32
        org 0x1000

        xor eax, eax            ; 1000: 31 c0
        cpuid                   ; 1002: 0f a2
        out 0xe9, al            ; 1004: e6 e9
        mov eax, ebx            ; 1006: 89 d8
        out 0xe9, al            ; 1008: e6 e9
        hlt                     ; 100a: f4
