/* Errors end in a message and an exit code: a failing MPI call on the run's communicator reaches
 * MPI_CHECK (its call and MPI's reason, exit 3) rather than MPI's fatal handler; the caller's
 * communicator keeps its handler; TR_STRDUP; reject counts MPI cannot gather are an input error. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "cli/telrisk.h"
#include "core/error.h"
#include "core/exact.h"
#include "core/log.h"
#include "records/ingest.h"

#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* ---- in a child process: MPI is started there, and the job may end there ---- */

/* A library function given a count MPI refuses (over 2^31 - 1 sums: a negative int count). */
static void failing_call(const struct tr_ctx *ctx)
{
    tr_exact sums[1] = {{0}};
    tr_exact_allreduce(ctx, sums, (size_t)INT32_MAX + 1);
}

/* Runs the failing call in a child, on the run's context (tr_ctx_open) or on the caller's
 * communicator itself (tr_ctx_init): its exit code, and what it printed in err. */
static int child_run(int open_ctx, char *err, size_t cap)
{
    char path[] = "/tmp/telrisk_errors_XXXXXX";
    const int fd = mkstemp(path);
    assert_true(fd >= 0);
    fflush(NULL);
    const pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(fd, 2);
        MPI_Init(NULL, NULL);
        struct tr_ctx ctx;
        if (open_ctx)
            tr_ctx_open(&ctx, MPI_COMM_WORLD, stderr);
        else
            tr_ctx_init(&ctx, MPI_COMM_WORLD, stderr);
        failing_call(&ctx);
        fprintf(stderr, "the failing call returned\n");
        _exit(0);
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    FILE *f = fdopen(fd, "r");
    assert_non_null(f);
    rewind(f);
    const size_t n = fread(err, 1, cap - 1, f);
    err[n] = 0;
    fclose(f);
    unlink(path);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_failing_call_reaches_mpi_check(void **state)
{
    (void)state;
    char err[8192];
    const int code = child_run(1, err, sizeof err);
    print_message("child (run's context): exit %d, stderr:\n%s", code, err);
    assert_int_equal(code, TR_EXIT_INTERNAL);
    /* MPI_CHECK's message: the rank, the call as written, MPI's reason, where. */
    assert_non_null(strstr(err, "telrisk[0]: error: MPI_Allreduce(MPI_IN_PLACE, sums, (int)n"));
    assert_non_null(strstr(err, "failed: MPI_ERR_COUNT"));
    assert_non_null(strstr(err, "core/exact.c:"));
    assert_null(strstr(err, "MPI_ERRORS_ARE_FATAL"));
    assert_null(strstr(err, "the failing call returned"));
}

/* The control: on a communicator that keeps MPI_ERRORS_ARE_FATAL, MPI's handler ends the job
 * before MPI_CHECK sees the call, so the test above does tell the two apart. (Open MPI then exits
 * with the error's class, 2 here: the code of an input error.) */
static void test_fatal_handler_bypasses_mpi_check(void **state)
{
    (void)state;
    char err[8192];
    const int code = child_run(0, err, sizeof err);
    print_message("child (caller's communicator): exit %d, stderr:\n%s", code, err);
    assert_int_not_equal(code, 0);
    assert_int_not_equal(code, TR_EXIT_INTERNAL);
    assert_null(strstr(err, "telrisk[0]: error"));
    /* MPI's own words ("... MPI_ERRORS_ARE_FATAL ...") are not asserted: under load Open MPI's
     * daemon sometimes loses them ("ORTE_ERROR_LOG: Data unpack would read past end of buffer"),
     * one more reason not to leave errors to it. */
    assert_null(strstr(err, "the failing call returned"));
}

/* ---- in this process, with MPI started ---- */

static int is_handler(MPI_Comm comm, MPI_Errhandler want)
{
    MPI_Errhandler h;
    assert_int_equal(MPI_Comm_get_errhandler(comm, &h), MPI_SUCCESS);
    const int same = h == want;
    MPI_Errhandler_free(&h);
    return same;
}

static void test_run_context(void **state)
{
    (void)state;
    struct tr_ctx ctx;
    tr_ctx_open(&ctx, MPI_COMM_WORLD, stderr);
    assert_true(is_handler(ctx.comm, MPI_ERRORS_RETURN));
    int same = MPI_UNEQUAL;
    MPI_Comm_compare(ctx.comm, MPI_COMM_WORLD, &same);
    assert_int_equal(same, MPI_CONGRUENT); /* the same ranks, a communicator of its own */
    assert_true(is_handler(MPI_COMM_WORLD, MPI_ERRORS_ARE_FATAL));
    tr_ctx_close(&ctx);
    assert_true(ctx.comm == MPI_COMM_NULL);
}

/* telrisk_main runs on a duplicate: the caller's communicator keeps its handler. */
static void test_main_leaves_caller(void **state)
{
    (void)state;
    MPI_Comm caller;
    MPI_Comm_dup(MPI_COMM_SELF, &caller);
    char text[4096] = "";
    FILE *msg = fmemopen(text, sizeof text, "w");
    char *argv[] = {"telrisk", "--help", NULL};
    assert_int_equal(telrisk_main(2, argv, caller, msg), TR_EXIT_OK);
    fclose(msg);
    assert_true(is_handler(caller, MPI_ERRORS_ARE_FATAL));
    MPI_Comm_free(&caller);
}

static void test_strdup(void **state)
{
    (void)state;
    const char *text = "Région Île";
    char *a = TR_STRDUP(text), *b = TR_STRNDUP(text, 6);
    assert_string_equal(a, text);
    assert_ptr_not_equal(a, text);
    assert_string_equal(b, "Régio"); /* six bytes: é is two */
    free(a);
    free(b);
}

/* More rejects in all than MPI's int counts: an input error said once, not an abort. */
static void test_too_many_rejects(void **state)
{
    (void)state;
    char text[4096] = "";
    FILE *msg = fmemopen(text, sizeof text, "w");
    struct tr_ctx ctx;
    tr_ctx_open(&ctx, MPI_COMM_SELF, msg);
    struct tr_ingest in;
    tr_ingest_init(&in);
    struct tr_reject two[2] = {{.file = 1, .line = 9}, {.file = 0, .line = 4}};
    /* Only the count is looked at before the refusal: two records stand for 2^31 of them. */
    assert_int_equal(tr_ingest_gather_rejects(&ctx, &in, two, (size_t)INT32_MAX + 1),
                     TR_EXIT_INPUT);
    fflush(msg);
    assert_non_null(strstr(text, "2147483648 lines rejected in all"));
    assert_null(in.rejects);
    /* Within the limit: gathered and sorted by (file, line). */
    assert_int_equal(tr_ingest_gather_rejects(&ctx, &in, two, 2), TR_EXIT_OK);
    assert_int_equal(in.n_rejects, 2);
    assert_int_equal(in.rejects[0].file, 0);
    assert_int_equal(in.rejects[1].line, 9);
    tr_ingest_free(&in);
    tr_ctx_close(&ctx);
    fclose(msg);
}

/* output.path naming a folder (an existing one, or a name ending in '/'): telrisk run and run
 * --check both stop with exit 2 and the message, before any input is read or file written. */
static void test_output_path_folder(void **state)
{
    (void)state;
    char dir[] = "/tmp/telrisk_outdir_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char config[] = "/tmp/telrisk_outcfg_XXXXXX";
    const int fd = mkstemp(config);
    assert_true(fd >= 0);
    close(fd); /* an empty config: every default */
    char set[2][128];
    snprintf(set[0], sizeof set[0], "output.path=%s", dir);
    snprintf(set[1], sizeof set[1], "output.path=%s/new/", dir);
    for (int k = 0; k < 4; k++) {
        char text[4096] = "";
        FILE *msg = fmemopen(text, sizeof text, "w");
        char *argv[] = {"telrisk", "run", "--config", config, "--set", set[k % 2], "--check", NULL};
        assert_int_equal(telrisk_main(k < 2 ? 6 : 7, argv, MPI_COMM_SELF, msg), TR_EXIT_INPUT);
        fclose(msg);
        char want[256];
        snprintf(want, sizeof want, "output.path %s is a folder: it must name the run file",
                 set[k % 2] + strlen("output.path="));
        print_message("%s", text);
        assert_non_null(strstr(text, want));
    }
    char lock[128];
    snprintf(lock, sizeof lock, "%s.lock", dir);
    assert_int_equal(access(lock, F_OK), -1); /* nothing claimed */
    assert_int_equal(rmdir(dir), 0);          /* nothing written inside (no new/ made) */
    unlink(config);
}

int main(void)
{
    /* The children start MPI themselves: they are forked before this process starts it. */
    const struct CMUnitTest before_mpi[] = {
        cmocka_unit_test(test_failing_call_reaches_mpi_check),
        cmocka_unit_test(test_fatal_handler_bypasses_mpi_check),
    };
    int failed = cmocka_run_group_tests_name("forked", before_mpi, NULL, NULL);
    MPI_Init(NULL, NULL);
    const struct CMUnitTest with_mpi[] = {
        cmocka_unit_test(test_run_context),
        cmocka_unit_test(test_main_leaves_caller),
        cmocka_unit_test(test_strdup),
        cmocka_unit_test(test_too_many_rejects),
        cmocka_unit_test(test_output_path_folder),
    };
    failed += cmocka_run_group_tests_name("in process", with_mpi, NULL, NULL);
    MPI_Finalize();
    return failed;
}
