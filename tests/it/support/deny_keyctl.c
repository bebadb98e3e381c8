/*
 * deny-keyctl COMMAND [ARG...]: runs COMMAND where the add_key, keyctl and
 * request_key system calls fail with EPERM, as under Docker's default seccomp
 * profile. The filter is inherited by everything COMMAND starts.
 *
 * C rather than Rust: installing a filter takes two raw system calls, which the
 * workspace's `unsafe_code = "forbid"` rules out, and a binary of another package
 * would not be rebuilt by `cargo test --test it`. The tests compile this file with
 * the C compiler that links Rust programs anyway.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "deny-keyctl knows x86_64 and aarch64 only"
#endif

#define DENY(nr)                                            \
    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), 0, 1),        \
    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM)

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: deny-keyctl COMMAND [ARG...]\n");
        return 2;
    }
    struct sock_filter filter[] = {
        /* Another architecture's system call numbers mean other calls: refuse. */
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        DENY(__NR_add_key),
        DENY(__NR_keyctl),
        DENY(__NR_request_key),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog program = {
        .len = sizeof(filter) / sizeof(filter[0]),
        .filter = filter,
    };
    /* Lets an unprivileged process install a filter; setuid programs lose their bit. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        fprintf(stderr, "deny-keyctl: PR_SET_NO_NEW_PRIVS: %s\n", strerror(errno));
        return 126;
    }
    if (syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program) != 0) {
        fprintf(stderr, "deny-keyctl: SECCOMP_SET_MODE_FILTER: %s\n", strerror(errno));
        return 126;
    }
    /* The filter must hold before COMMAND runs. */
    if (syscall(__NR_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -4 /* @u */, 0) != -1 || errno != EPERM) {
        fprintf(stderr, "deny-keyctl: keyctl still works under the filter\n");
        return 126;
    }
    execvp(argv[1], argv + 1);
    fprintf(stderr, "deny-keyctl: cannot run %s: %s\n", argv[1], strerror(errno));
    return 127;
}
