; sum: adds bx to ax and reports the sum with an OUT to port 0xe9; then
; doubles it in a subroutine, through the stack, and halts. The host sets
; ax, bx and sp before it starts. Comments give each instruction's address
; and bytes.
        bits 32
        org 0x1000

        add eax, ebx            ; 1000: 01 d8
        out 0xe9, al            ; 1002: e6 e9
        call double             ; 1004: e8 01 00 00 00
        hlt                     ; 1009: f4
double: push eax                ; 100a: 50
        pop ecx                 ; 100b: 59
        lea eax, [eax+ecx]      ; 100c: 8d 04 08
        ret                     ; 100f: c3
