; fault: reads a word of mapped memory, then one from guest-physical
; 0x200000, which the example leaves unmapped: an EPT violation exit.
; Comments give each instruction's address and bytes.
        bits 32
        org 0x1000

        mov eax, [data]         ; 1000: a1 0c 10 00 00
        mov ebx, [0x200000]     ; 1005: 8b 1d 00 00 20 00
        hlt                     ; 100b: f4
data:   dd 0x12345678           ; 100c: 78 56 34 12
