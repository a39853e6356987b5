; hello: the smallest guest. It runs in the 32-bit flat protected mode a
; new vCPU starts in, loaded at guest-physical 0x1000 and started with
; pc=0x1000. It writes 'H' to port 0xe9 (an I/O exit), then halts (a HLT
; exit). Comments give each instruction's address and bytes.
        bits 32
        org 0x1000

        mov al, 'H'             ; 1000: b0 48
        out 0xe9, al            ; 1002: e6 e9
        hlt                     ; 1004: f4
