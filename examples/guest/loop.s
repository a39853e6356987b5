; loop: counts ax up three times with LOOP, reports it with an OUT to port
; 0xe9, and halts; for single-stepping. Comments give each instruction's
; address and bytes.
        bits 32
        org 0x1000

        xor eax, eax            ; 1000: 31 c0
        mov ecx, 3              ; 1002: b9 03 00 00 00
again:  inc eax                 ; 1007: 40
        loop again              ; 1008: e2 fd
        out 0xe9, al            ; 100a: e6 e9
        hlt                     ; 100c: f4
