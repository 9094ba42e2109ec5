/* check_hash.c: the hashes: SHA-256 against the test vectors of FIPS 180-4
 * (at the lengths where the padding takes one block or two), and the feed's
 * document ids made from it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sha256.h"
#include "suites.h"

static void hex(const unsigned char *d, size_t n, char *out)
{
	for (size_t k = 0; k < n; k++)
		snprintf(out + 2 * k, 3, "%02x", d[k]);
}

static void check_digest(const char *data, size_t len, const char *want)
{
	unsigned char d[ND_SHA256_BYTES];
	char got[2 * ND_SHA256_BYTES + 1];
	nd_sha256(data, len, d);
	hex(d, sizeof(d), got);
	ck_assert_str_eq(got, want);
}

START_TEST(test_sha256_vectors)
{
	check_digest("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check_digest("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* 56 bytes: the length no longer fits the block, padding takes two */
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	check_digest(two, strlen(two),
		     "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	const char *long_ = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn"
			    "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	check_digest(long_, strlen(long_),
		     "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
	/* a million 'a': many blocks */
	size_t n = 1000000;
	char *a = malloc(n);
	ck_assert_ptr_nonnull(a);
	memset(a, 'a', n);
	check_digest(a, n, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(a);
}
END_TEST

START_TEST(test_doc_id_is_the_url_digest_prefix)
{
	char id[ND_DOC_ID_LEN + 1];
	nd_hash_doc_id("abc", id);
	ck_assert_str_eq(id, "ba7816bf8f01cfea414140de5dae2223");
	nd_hash_doc_id("https://example.com/a", id);
	ck_assert_uint_eq(strlen(id), ND_DOC_ID_LEN);
	char again[ND_DOC_ID_LEN + 1];
	nd_hash_doc_id("https://example.com/a", again);
	ck_assert_str_eq(id, again);
	nd_hash_doc_id("https://example.com/b", again);
	ck_assert_str_ne(id, again);
}
END_TEST

Suite *make_hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("sha256");
	tcase_add_test(tc, test_sha256_vectors);
	tcase_add_test(tc, test_doc_id_is_the_url_digest_prefix);
	suite_add_tcase(s, tc);
	return s;
}
