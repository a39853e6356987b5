/*
 * runner.c: the native half of vmxsim's hardware oracle (see oracle/native.ts).
 *
 * Runs batches of x86-64 instruction sequences directly on this CPU in user
 * mode and reports each one's final state or fault. One process serves many
 * batches over stdin/stdout; the binary little-endian protocol is described
 * once, in oracle/native_protocol.ts, and mirrored by the structs below.
 *
 * One case, step by step:
 *  - its code is copied to CODE_ADDR, at the start of an RWX window, and is
 *    followed by a trailer "jmp *0(%rip); .quad vx_save", so running off the
 *    end saves the state; the rest of the window is int3, so a stray jump
 *    into it traps;
 *  - its memory regions are mapped read-write at their own addresses
 *    (MAP_FIXED_NOREPLACE, zero-filled); pages stay mapped while consecutive
 *    cases use them and are unmapped otherwise, so every other address faults;
 *  - x87/SSE/AVX state is reset to its init state, a CPU-time alarm is armed,
 *    and vx_enter loads the 16 GPRs and RFLAGS and jumps to the code;
 *  - vx_save stores the GPRs and RFLAGS. A signal (fault, trap or the alarm)
 *    runs on an alternate stack; the handler takes the state at the signal
 *    from the ucontext and resumes the runner at vx_recover by editing that
 *    ucontext, so nothing a case does can crash the runner.
 * Cases cannot make system calls: a seccomp filter turns any system call made
 * from the code window into SIGSYS, reported like any other fault. Segment
 * selectors and the FS/GS bases are put back after each case, since glibc
 * keeps its thread pointer in FS and cases may reload FS or GS.
 * Not defended against: WRPKRU (a case that revokes access to protection key
 * 0 takes the runner down with it) and stores into the runner's own memory
 * (its image at 0x400000, heap, stacks); cases should keep their accesses
 * to their regions and stack.
 */
#define _GNU_SOURCE
#include <asm/prctl.h>
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <ucontext.h>
#include <unistd.h>

#define CODE_ADDR 0x20000000UL
#define CODE_WINDOW 0x2000UL /* case code, trailer, int3 filler */
#define CODE_MAX 4096
#define TRAILER_LEN 14
#define MAX_REGIONS 8
#define MAX_REGION_LEN 65536
#define PAGE 4096UL
#define MAX_PAGES (MAX_REGIONS * (MAX_REGION_LEN / PAGE + 1))
#define FLAGS_SETTABLE 0xcd5UL /* CF PF AF ZF SF DF OF */
#define MAGIC_HELLO 0x31485856 /* "VXH1" */
#define MAGIC_BATCH 0x31425856 /* "VXB1" */

enum { KIND_OK, KIND_FAULT, KIND_TIMEOUT, KIND_BADCASE };

struct state {
	uint64_t r[16]; /* rax rcx rdx rbx rsp rbp rsi rdi r8..r15 */
	uint64_t rflags;
};
struct hello {
	uint32_t magic, version;
	uint64_t code_addr;
};
struct batch_hdr {
	uint32_t magic, ncases, timeout_us, reserved;
};
struct case_hdr {
	uint32_t code_len, nregions;
	struct state s;
};
struct region_hdr {
	uint64_t addr;
	uint32_t len, reserved;
};
struct result_hdr {
	uint32_t kind, signo;
	int32_t code;
	uint32_t trapno;
	uint64_t err, addr, rip;
	struct state s;
};
_Static_assert(sizeof(struct case_hdr) == 144, "case header layout");
_Static_assert(sizeof(struct result_hdr) == 176, "result header layout");

/* Shared with the assembly below, hence external linkage. */
struct state vx_in, vx_out;
uint64_t vx_host_rsp, vx_code_ptr = CODE_ADDR;
volatile int vx_in_guest, vx_expired;
int vx_enter(void);
extern char vx_save[], vx_recover[];

/*
 * vx_enter returns 0 when the case reached vx_save, 1 when a signal ended it
 * (the handler sent it to vx_recover) and 2 when the alarm went off before
 * the case started (the caller re-arms and retries). Only MOVs follow POPFQ,
 * so the case starts with exactly the flags it asked for.
 */
__asm__(".text\n"
	".globl vx_enter\n"
	".type vx_enter, @function\n"
	"vx_enter:\n"
	"	push %rbx\n	push %rbp\n	push %r12\n	push %r13\n	push %r14\n	push %r15\n"
	"	mov %rsp, vx_host_rsp(%rip)\n"
	"	movl $1, vx_in_guest(%rip)\n"
	"	cmpl $0, vx_expired(%rip)\n"
	"	jne 2f\n"
	"	pushq vx_in+128(%rip)\n"
	"	popfq\n"
	"	mov vx_in+0(%rip), %rax\n"
	"	mov vx_in+8(%rip), %rcx\n"
	"	mov vx_in+16(%rip), %rdx\n"
	"	mov vx_in+24(%rip), %rbx\n"
	"	mov vx_in+40(%rip), %rbp\n"
	"	mov vx_in+48(%rip), %rsi\n"
	"	mov vx_in+56(%rip), %rdi\n"
	"	mov vx_in+64(%rip), %r8\n"
	"	mov vx_in+72(%rip), %r9\n"
	"	mov vx_in+80(%rip), %r10\n"
	"	mov vx_in+88(%rip), %r11\n"
	"	mov vx_in+96(%rip), %r12\n"
	"	mov vx_in+104(%rip), %r13\n"
	"	mov vx_in+112(%rip), %r14\n"
	"	mov vx_in+120(%rip), %r15\n"
	"	mov vx_in+32(%rip), %rsp\n"
	"	jmp *vx_code_ptr(%rip)\n"
	".globl vx_save\n"
	"vx_save:\n"
	"	mov %rax, vx_out+0(%rip)\n"
	"	mov %rcx, vx_out+8(%rip)\n"
	"	mov %rdx, vx_out+16(%rip)\n"
	"	mov %rbx, vx_out+24(%rip)\n"
	"	mov %rsp, vx_out+32(%rip)\n"
	"	mov %rbp, vx_out+40(%rip)\n"
	"	mov %rsi, vx_out+48(%rip)\n"
	"	mov %rdi, vx_out+56(%rip)\n"
	"	mov %r8, vx_out+64(%rip)\n"
	"	mov %r9, vx_out+72(%rip)\n"
	"	mov %r10, vx_out+80(%rip)\n"
	"	mov %r11, vx_out+88(%rip)\n"
	"	mov %r12, vx_out+96(%rip)\n"
	"	mov %r13, vx_out+104(%rip)\n"
	"	mov %r14, vx_out+112(%rip)\n"
	"	mov %r15, vx_out+120(%rip)\n"
	"	mov vx_host_rsp(%rip), %rsp\n"
	"	pushfq\n"
	"	popq vx_out+128(%rip)\n"
	"	movl $0, vx_in_guest(%rip)\n"
	"	pushq $0x202\n" /* drop DF, AC, ID the case may have set */
	"	popfq\n"
	"	xor %eax, %eax\n"
	"	jmp 1f\n"
	"2:	movl $0, vx_in_guest(%rip)\n"
	"	mov $2, %eax\n"
	"	jmp 1f\n"
	".globl vx_recover\n"
	"vx_recover:\n"
	"	mov $1, %eax\n"
	"1:	pop %r15\n	pop %r14\n	pop %r13\n	pop %r12\n	pop %rbp\n	pop %rbx\n"
	"	ret\n"
	".size vx_enter, .-vx_enter\n");

static struct {
	int signo, code;
	uint64_t trapno, err, addr, rip;
} fault;

/* Where each ucontext greg goes in struct state's register order. */
static const int greg_of[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8,  REG_R9,  REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

static void die(const char *what)
{
	fprintf(stderr, "runner: %s\n", what);
	exit(2);
}

static void on_signal(int signo, siginfo_t *si, void *ctx)
{
	static const char msg[] = "runner: fatal signal outside case code\n";
	greg_t *g = ((ucontext_t *)ctx)->uc_mcontext.gregs;
	int i;

	if (!vx_in_guest) {
		if (signo == SIGVTALRM) { /* armed but not yet (or no longer) in the case */
			vx_expired = 1;
			return;
		}
		if (write(2, msg, sizeof msg - 1) < 0) { /* nothing more to do */
		}
		_exit(3);
	}
	vx_in_guest = 0;
	fault.signo = signo;
	fault.code = si->si_code;
	fault.addr = (uint64_t)si->si_addr;
	/* Only hardware exceptions fill these; the others would be stale. */
	fault.trapno = signo == SIGSYS || signo == SIGVTALRM ? 0 : g[REG_TRAPNO];
	fault.err = signo == SIGSYS || signo == SIGVTALRM ? 0 : g[REG_ERR];
	fault.rip = g[REG_RIP];
	for (i = 0; i < 16; i++)
		vx_out.r[i] = g[greg_of[i]];
	vx_out.rflags = g[REG_EFL];
	g[REG_RIP] = (greg_t)vx_recover;
	g[REG_RSP] = (greg_t)vx_host_rsp;
	g[REG_EFL] = 0x202; /* no TF, DF or AC in the runner */
}

/* Init-state image for XRSTOR (XSTATE_BV = 0) or, lacking XSAVE, FXRSTOR. */
static unsigned char xarea[4096] __attribute__((aligned(64)));
static uint64_t xmask; /* x87, SSE, AVX, AVX-512 components enabled in XCR0 */

static void reset_xstate(void)
{
	if (xmask)
		__asm__ volatile("xrstor64 %0" ::"m"(xarea), "a"((uint32_t)xmask),
				 "d"((uint32_t)(xmask >> 32)));
	else
		__asm__ volatile("fxrstor64 %0" ::"m"(xarea));
}

static uint16_t sel_ds, sel_es, sel_fs, sel_gs, sel_ss;
static uint64_t fs_base, gs_base;
static int have_fsgsbase;

/* Must run before anything touches thread-local storage after a case. */
static inline __attribute__((always_inline)) void restore_segments(void)
{
	__asm__ volatile("mov %0, %%ds\n\tmov %1, %%es\n\tmov %2, %%fs\n\tmov %3, %%gs\n\tmov %4, %%ss" ::"r"(sel_ds),
			 "r"(sel_es), "r"(sel_fs), "r"(sel_gs), "r"(sel_ss));
	if (have_fsgsbase) {
		__asm__ volatile("wrfsbase %0\n\twrgsbase %1" ::"r"(fs_base), "r"(gs_base));
	} else {
		syscall(SYS_arch_prctl, ARCH_SET_FS, fs_base);
		syscall(SYS_arch_prctl, ARCH_SET_GS, gs_base);
	}
}

static void init_cpu_state(void)
{
	uint32_t a, b, c, d;

	__asm__ volatile("mov %%ds, %0\n\tmov %%es, %1\n\tmov %%fs, %2\n\tmov %%gs, %3\n\tmov %%ss, %4"
			 : "=r"(sel_ds), "=r"(sel_es), "=r"(sel_fs), "=r"(sel_gs), "=r"(sel_ss));
	if (syscall(SYS_arch_prctl, ARCH_GET_FS, &fs_base) || syscall(SYS_arch_prctl, ARCH_GET_GS, &gs_base))
		die("arch_prctl(ARCH_GET_FS/GS) failed");
	have_fsgsbase = (getauxval(AT_HWCAP2) & 2) != 0; /* HWCAP2_FSGSBASE */

	memcpy(xarea + 0, &(uint16_t){0x37f}, 2);   /* FCW */
	memcpy(xarea + 24, &(uint32_t){0x1f80}, 4); /* MXCSR */
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(1), "c"(0));
	if (c & (1u << 27)) { /* OSXSAVE */
		__asm__ volatile("xgetbv" : "=a"(a), "=d"(d) : "c"(0));
		xmask = (((uint64_t)d << 32) | a) & 0xe7;
	}
}

static void init_signals(void)
{
	static unsigned char altstack[1 << 16];
	static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, SIGVTALRM};
	stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
	struct sigaction sa;
	size_t i;

	if (sigaltstack(&ss, NULL))
		die("sigaltstack failed");
	memset(&sa, 0, sizeof sa);
	sa.sa_sigaction = on_signal;
	sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		if (sigaction(sigs[i], &sa, NULL))
			die("sigaction failed");
}

/* Any system call whose return address lies in the code window gets SIGSYS. */
static void init_seccomp(void)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CODE_ADDR >> 32, 0, 4),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, instruction_pointer)),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, (uint32_t)CODE_ADDR, 0, 2),
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, (uint32_t)(CODE_ADDR + CODE_WINDOW), 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof f / sizeof f[0], .filter = f};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog))
		die("cannot install the seccomp filter that keeps cases from making system calls");
}

static void arm_alarm(uint32_t us)
{
	struct itimerval t = {{0, 0}, {us / 1000000, us % 1000000}};

	setitimer(ITIMER_VIRTUAL, &t, NULL);
}

/* Region pages currently mapped, reused while consecutive cases need them. */
static uint64_t mapped[MAX_PAGES];
static int nmapped;

static int page_in(const uint64_t *set, int n, uint64_t page)
{
	int i;

	for (i = 0; i < n; i++)
		if (set[i] == page)
			return 1;
	return 0;
}

/* Maps exactly the pages in need[], zero-filled; returns 0 or an errno. */
static int map_pages(const uint64_t *need, int nneed, uint64_t *bad)
{
	int i, j;
	void *p;

	for (i = j = 0; i < nmapped; i++)
		if (page_in(need, nneed, mapped[i]))
			mapped[j++] = mapped[i];
		else
			munmap((void *)mapped[i], PAGE);
	nmapped = j;
	for (i = 0; i < nneed; i++) {
		if (page_in(mapped, nmapped, need[i])) {
			memset((void *)need[i], 0, PAGE);
			continue;
		}
		*bad = need[i];
		if (need[i] >= CODE_ADDR && need[i] < CODE_ADDR + CODE_WINDOW)
			return EEXIST;
		p = mmap((void *)need[i], PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p == MAP_FAILED)
			return errno;
		if ((uint64_t)p != need[i]) { /* a kernel that ignores NOREPLACE */
			munmap(p, PAGE);
			return EEXIST;
		}
		mapped[nmapped++] = need[i];
	}
	return 0;
}

static void read_exact(void *p, size_t n)
{
	if (n && fread(p, 1, n, stdin) != n)
		die("truncated batch on stdin");
}

static void write_exact(const void *p, size_t n)
{
	if (n && fwrite(p, 1, n, stdout) != n)
		exit(1); /* reader went away */
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

static unsigned char code[CODE_MAX + 8];
static struct region_hdr regions[MAX_REGIONS];
static unsigned char region_data[MAX_REGIONS][MAX_REGION_LEN + 8];
static const unsigned char zeros[MAX_REGION_LEN + 8];
static void place_code(uint32_t len)
{
	unsigned char *w = (unsigned char *)CODE_ADDR;
	uint64_t save = (uint64_t)vx_save;
	size_t end = len + TRAILER_LEN;

	memcpy(w, code, len);
	memcpy(w + len, "\xff\x25\0\0\0\0", 6); /* jmp *0(%rip) */
	memcpy(w + len + 6, &save, 8);
	memset(w + end, 0xcc, CODE_WINDOW - end); /* the last case may have written anywhere */
}

static void run_case(uint32_t timeout_us)
{
	struct case_hdr c;
	struct result_hdr r;
	uint64_t need[MAX_PAGES], pg, bad = 0;
	uint32_t i;
	int nneed = 0, err, how;

	read_exact(&c, sizeof c);
	if (c.code_len > CODE_MAX || c.nregions > MAX_REGIONS)
		die("case exceeds the code or region limits");
	read_exact(code, pad8(c.code_len));
	for (i = 0; i < c.nregions; i++) {
		read_exact(&regions[i], sizeof regions[i]);
		if (regions[i].len > MAX_REGION_LEN)
			die("memory region longer than the limit");
		read_exact(region_data[i], pad8(regions[i].len));
	}

	memset(&r, 0, sizeof r);
	err = 0;
	for (i = 0; i < c.nregions && !err; i++) {
		uint64_t a = regions[i].addr, len = regions[i].len;
		if (len == 0)
			continue;
		if (a + len < a) {
			err = EINVAL;
			bad = a;
			break;
		}
		for (pg = a & ~(PAGE - 1); pg < a + len; pg += PAGE)
			if (!page_in(need, nneed, pg))
				need[nneed++] = pg;
	}
	if (!err)
		err = map_pages(need, nneed, &bad);
	if (err) {
		r.kind = KIND_BADCASE;
		r.err = err;
		r.addr = bad;
		write_exact(&r, sizeof r);
		for (i = 0; i < c.nregions; i++)
			write_exact(zeros, pad8(regions[i].len));
		return;
	}
	for (i = 0; i < c.nregions; i++)
		memcpy((void *)regions[i].addr, region_data[i], regions[i].len);
	place_code(c.code_len);

	vx_in = c.s;
	vx_in.rflags = (c.s.rflags & FLAGS_SETTABLE) | 2;
	do {
		reset_xstate();
		vx_expired = 0;
		arm_alarm(timeout_us);
		how = vx_enter();
		restore_segments();
		arm_alarm(0);
	} while (how == 2);

	r.s = vx_out;
	if (how == 1) {
		r.kind = fault.signo == SIGVTALRM ? KIND_TIMEOUT : KIND_FAULT;
		r.signo = fault.signo;
		r.code = fault.code;
		r.trapno = fault.trapno;
		r.err = fault.err;
		r.addr = fault.addr;
		r.rip = fault.rip;
	} else {
		r.kind = KIND_OK;
		r.rip = CODE_ADDR + c.code_len;
	}
	write_exact(&r, sizeof r);
	for (i = 0; i < c.nregions; i++) {
		write_exact((void *)regions[i].addr, regions[i].len);
		write_exact(zeros, pad8(regions[i].len) - regions[i].len);
	}
}

int main(void)
{
	static char inbuf[1 << 20], outbuf[1 << 20];
	struct hello h = {MAGIC_HELLO, 1, CODE_ADDR};
	struct batch_hdr b;
	uint32_t i;
	size_t got;

	setvbuf(stdin, inbuf, _IOFBF, sizeof inbuf);
	setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
	if (mmap((void *)CODE_ADDR, CODE_WINDOW, PROT_READ | PROT_WRITE | PROT_EXEC,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0) != (void *)CODE_ADDR)
		die("cannot map the code window at 0x20000000");
	init_cpu_state();
	init_signals();
	init_seccomp();
	write_exact(&h, sizeof h);
	fflush(stdout);

	for (;;) {
		got = fread(&b, 1, sizeof b, stdin);
		if (got == 0 && feof(stdin))
			return 0;
		if (got != sizeof b || b.magic != MAGIC_BATCH || b.timeout_us == 0)
			die("bad batch header");
		for (i = 0; i < b.ncases; i++)
			run_case(b.timeout_us);
		if (fflush(stdout))
			return 1;
	}
}
