/* core/keyhash: SipHash-2-4 against the reference vectors, the seeded demo key, the key file
 * (format and errors), and the independent fingerprint key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "config/config.h"
#include "core/keyhash.h"
#include "records/id_book.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *write_temp(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/telrisk_key_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* The SipHash paper (Aumasson & Bernstein, appendix A) and its reference vectors.h: key
 * 00 01 .. 0f; the 15-byte message 00 01 .. 0e gives a129ca6149be45e5, the empty one
 * 726fdb47dd0e0e31, read as little-endian 64-bit integers. */
static void test_siphash_reference_vectors(void **state)
{
    (void)state;
    assert_true(sodium_init() >= 0);
    assert_int_equal(crypto_shorthash_KEYBYTES, 16);
    unsigned char key[16];
    char msg[64];
    for (int k = 0; k < 16; k++)
        key[k] = (unsigned char)k;
    for (int k = 0; k < 64; k++)
        msg[k] = (char)k;
    assert_true(tr_keyhash_bytes(key, msg, 15) == 0xa129ca6149be45e5ULL);
    assert_true(tr_keyhash_bytes(key, msg, 0) == 0x726fdb47dd0e0e31ULL);
    /* More of vectors.h: 1 byte, 8 bytes (one full block), 63 bytes. */
    assert_true(tr_keyhash_bytes(key, msg, 1) == 0x74f839c593dc67fdULL);
    assert_true(tr_keyhash_bytes(key, msg, 8) == 0x93f5f5799a932462ULL);
    assert_true(tr_keyhash_bytes(key, msg, 63) == 0x958a324ceb064572ULL);
}

static void test_seeded_key(void **state)
{
    (void)state;
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    cfg.privacy.key_file[0] = 0;
    char err[256] = "";
    struct tr_keyhash a, b, c;
    cfg.run.seed = 42;
    assert_int_equal(tr_keyhash_init(&a, cfg.privacy.key_file, cfg.run.seed, err, sizeof err), 0);
    assert_int_equal(tr_keyhash_init(&b, cfg.privacy.key_file, cfg.run.seed, err, sizeof err), 0);
    cfg.run.seed = 43;
    assert_int_equal(tr_keyhash_init(&c, cfg.privacy.key_file, cfg.run.seed, err, sizeof err), 0);
    assert_int_equal(a.from_file, 0);
    /* The same seed, the same keys (runs reproduce); another seed, other keys. */
    assert_memory_equal(a.key, b.key, sizeof a.key);
    assert_memory_equal(a.fingerprint_key, b.fingerprint_key, sizeof a.key);
    assert_memory_not_equal(a.key, c.key, sizeof a.key);
    const char *id = "+254712345678";
    assert_true(tr_keyhash(&a, id, strlen(id)) == tr_keyhash(&b, id, strlen(id)));
    assert_true(tr_keyhash(&a, id, strlen(id)) != tr_keyhash(&c, id, strlen(id)));
    /* The hash is of the bytes given, no more. */
    assert_true(tr_keyhash(&a, "S12", 2) == tr_keyhash(&a, "S1", 2));
    assert_true(tr_keyhash(&a, "S12", 3) != tr_keyhash(&a, "S1", 2));
    /* Not the identity of a zero key. */
    unsigned char zero[16] = {0};
    assert_memory_not_equal(a.key, zero, sizeof zero);
}

static void test_key_file(void **state)
{
    (void)state;
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    char err[512] = "";
    struct tr_keyhash kh;
    char msg[15];
    for (int k = 0; k < 15; k++)
        msg[k] = (char)k;
    /* The reference key, lower case, LF; then upper case with CRLF and a second line. */
    const char *texts[] = {"000102030405060708090a0b0c0d0e0f\n",
                           "000102030405060708090A0B0C0D0E0F\r\nignored\n",
                           "000102030405060708090a0b0c0d0e0f"};
    for (size_t k = 0; k < 3; k++) {
        const char *path = write_temp(texts[k]);
        snprintf(cfg.privacy.key_file, sizeof cfg.privacy.key_file, "%s", path);
        if (tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err)) fail_msg("key file %zu: %s", k, err);
        assert_int_equal(kh.from_file, 1);
        for (int j = 0; j < 16; j++)
            assert_int_equal(kh.key[j], j);
        assert_true(tr_keyhash(&kh, msg, 15) == 0xa129ca6149be45e5ULL);
        unlink(path);
    }
    /* The file's key, not the seed's. */
    struct tr_keyhash seeded;
    cfg.privacy.key_file[0] = 0;
    assert_int_equal(tr_keyhash_init(&seeded, cfg.privacy.key_file, cfg.run.seed, err, sizeof err), 0);
    assert_memory_not_equal(seeded.key, kh.key, sizeof kh.key);
}

static void expect_key_file_error(const char *text, const char *fragment)
{
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    const char *path = write_temp(text);
    snprintf(cfg.privacy.key_file, sizeof cfg.privacy.key_file, "%s", path);
    char err[512] = "";
    struct tr_keyhash kh;
    if (tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err) == 0) fail_msg("key file '%s' accepted", text);
    if (!strstr(err, path)) fail_msg("'%s' does not name the file %s", err, path);
    if (fragment && !strstr(err, fragment)) fail_msg("'%s' does not say '%s'", err, fragment);
    unlink(path);
}

/* A key file others may read or write is refused, naming the file and the mode; the owner's and
 * group's permissions alone are fine. */
static void test_key_file_permissions(void **state)
{
    (void)state;
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    const char *path = write_temp("000102030405060708090a0b0c0d0e0f\n");
    snprintf(cfg.privacy.key_file, sizeof cfg.privacy.key_file, "%s", path);
    char err[512] = "";
    struct tr_keyhash kh;
    const mode_t refused[] = {0644, 0604, 0602, 0601, 0666}, fine[] = {0600, 0400, 0640, 0660};
    for (size_t k = 0; k < sizeof refused / sizeof *refused; k++) {
        assert_int_equal(chmod(path, refused[k]), 0);
        err[0] = 0;
        if (tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err) == 0)
            fail_msg("a key file of mode %04o accepted", (unsigned)refused[k]);
        assert_non_null(strstr(err, path));
        assert_non_null(strstr(err, "chmod 600"));
    }
    for (size_t k = 0; k < sizeof fine / sizeof *fine; k++) {
        assert_int_equal(chmod(path, fine[k]), 0);
        if (tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err))
            fail_msg("a key file of mode %04o refused: %s", (unsigned)fine[k], err);
    }
    unlink(path);
}

static void test_key_file_errors(void **state)
{
    (void)state;
    expect_key_file_error("000102030405060708090a0b0c0d0e0\n", "32 hex digits");   /* 31 */
    expect_key_file_error("000102030405060708090a0b0c0d0e0f0\n", "32 hex digits"); /* 33 */
    expect_key_file_error("", "32 hex digits");
    expect_key_file_error("\n000102030405060708090a0b0c0d0e0f\n", "32 hex digits"); /* first line */
    expect_key_file_error(" 000102030405060708090a0b0c0d0e0f\n", NULL);
    expect_key_file_error("0001g20304050607 8090a0b0c0d0e0f\n", "column 5");
    expect_key_file_error("00010x0304050607080900a0b0c0d0e0\n", "column 6");
    expect_key_file_error("000102030405060708090a0b0c0d0e0z\n", "column 32");
    /* A missing file. */
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    strcpy(cfg.privacy.key_file, "/nonexistent/telrisk.key");
    char err[512] = "";
    struct tr_keyhash kh;
    assert_int_equal(tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err), 1);
    assert_non_null(strstr(err, "/nonexistent/telrisk.key"));
}

static void test_fingerprints_differ_from_keys(void **state)
{
    (void)state;
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    char err[256] = "";
    struct tr_keyhash kh;
    assert_int_equal(tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err), 0);
    assert_memory_not_equal(kh.key, kh.fingerprint_key, sizeof kh.key);
    int equal = 0;
    char id[32];
    uint64_t first_fp = 0;
    for (int k = 0; k < 1000; k++) {
        int n = snprintf(id, sizeof id, "+2547%08d", k);
        uint64_t key = tr_keyhash(&kh, id, (size_t)n),
                 fp = tr_keyhash_fingerprint(&kh, id, (size_t)n);
        equal += key == fp;
        if (k == 0) first_fp = fp;
    }
    assert_int_equal(equal, 0);
    /* Deterministic. */
    int n = snprintf(id, sizeof id, "+2547%08d", 0);
    assert_true(tr_keyhash_fingerprint(&kh, id, (size_t)n) == first_fp);
    /* From a key file as well: the fingerprint key is derived, not the key itself. */
    const char *path = write_temp("000102030405060708090a0b0c0d0e0f\n");
    snprintf(cfg.privacy.key_file, sizeof cfg.privacy.key_file, "%s", path);
    assert_int_equal(tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err), 0);
    assert_memory_not_equal(kh.key, kh.fingerprint_key, sizeof kh.key);
    char msg[15];
    for (int k = 0; k < 15; k++)
        msg[k] = (char)k;
    assert_true(tr_keyhash_fingerprint(&kh, msg, 15) != 0xa129ca6149be45e5ULL);
    unlink(path);
}

/* The id book tells two ids with one key apart, by their fingerprints (short ids and long ones
 * alike); the same id seen again is no collision. Keys are forced equal here: SipHash would take
 * about 2^32 ids to collide by chance. Notes are batched: each check flushes first. */
static void test_id_book_collisions(void **state)
{
    (void)state;
    struct tr_config cfg;
    tr_config_defaults(&cfg);
    struct tr_keyhash kh;
    char err[256];
    assert_int_equal(tr_keyhash_init(&kh, cfg.privacy.key_file, cfg.run.seed, err, sizeof err), 0);
    struct tr_id_book b;
    tr_id_book_init(&b);
    tr_id_book_note(&b, 42, "255700000001", 12);
    tr_id_book_note(&b, 42, "255700000001", 12);
    tr_id_book_flush(&b);
    assert_int_equal(b.collisions, 0);
    tr_id_book_note(&b, 42, "255700000002", 12);
    tr_id_book_flush(&b);
    assert_int_equal(b.collisions, 1);
    assert_true(b.first_collision_key == 42);
    const char *long_a = "an-id-longer-than-twenty-two-bytes-A",
               *long_b = "an-id-longer-than-twenty-two-bytes-B";
    tr_id_book_note(&b, 7, long_a, strlen(long_a));
    tr_id_book_note(&b, 7, long_a, strlen(long_a));
    tr_id_book_flush(&b);
    assert_int_equal(b.collisions, 1);
    tr_id_book_note(&b, 7, long_b, strlen(long_b));
    tr_id_book_flush(&b);
    assert_int_equal(b.collisions, 2);
    assert_int_equal(b.n_extra, 2); /* each second id kept once, for the count across ranks */
    /* Growth keeps every entry: 100,000 distinct ids with distinct keys (several batches, the
     * book doubling inside them), no collision. */
    char id[32];
    for (int i = 0; i < 100000; i++) {
        int n = snprintf(id, sizeof id, "2557%08d", i);
        tr_id_book_note(&b, tr_keyhash(&kh, id, (size_t)n), id, (size_t)n);
    }
    tr_id_book_flush(&b);
    assert_int_equal(b.collisions, 2);
    assert_int_equal(b.n_used, 100002);
    assert_int_equal(b.n_batch, 0);
    tr_id_book_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_reference_vectors),
        cmocka_unit_test(test_seeded_key),
        cmocka_unit_test(test_key_file),
        cmocka_unit_test(test_key_file_errors),
        cmocka_unit_test(test_key_file_permissions),
        cmocka_unit_test(test_fingerprints_differ_from_keys),
        cmocka_unit_test(test_id_book_collisions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
