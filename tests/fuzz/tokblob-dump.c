/*
 * Write the tokenizer blob of GGUF models, as the card hands it to the
 * guest: seeds for fuzz-tokblob, and the vocabularies of fuzz-toktext.
 *
 * usage: tokblob-dump OUT_DIR MODEL|DIR...
 *   writes OUT_DIR/NAME.tokblob for each model (each file of a DIR) that
 *   has a tokenizer; absent models are skipped, others are errors.
 *
 * Copyright (c) 2026 The HC1 virtual platform authors
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hc1_engine.h"

static int dump(const char *out_dir, const char *path)
{
    hc1_model *m;
    char err[256], out[4096];
    const void *blob;
    size_t len;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;

    if (hc1_model_open_file(path, &m, err, sizeof(err)) != HC1_OK) {
        fprintf(stderr, "tokblob-dump: %s: %s\n", path, err);
        return 1;
    }
    if (hc1_model_tokenizer_blob(m, &blob, &len) != HC1_OK) {
        printf("tokblob-dump: %s has no tokenizer, skipped\n", path);
        hc1_model_close(m);
        return 0;
    }
    snprintf(out, sizeof(out), "%s/%.*s.tokblob", out_dir,
             (int)strcspn(base, "."), base);
    FILE *f = fopen(out, "wb");
    int bad = !f || fwrite(blob, 1, len, f) != len;
    if (f && fclose(f) != 0) {
        bad = 1;
    }
    if (bad) {
        fprintf(stderr, "tokblob-dump: cannot write %s\n", out);
    }
    hc1_model_close(m);
    return bad;
}

int main(int argc, char **argv)
{
    int rc = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: tokblob-dump OUT_DIR MODEL|DIR...\n");
        return 2;
    }
    if (mkdir(argv[1], 0777) != 0 && errno != EEXIST) {
        perror(argv[1]);
        return 1;
    }
    for (int i = 2; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            printf("tokblob-dump: %s absent, skipped\n", argv[i]);
            continue;
        }
        if (!S_ISDIR(st.st_mode)) {
            rc |= dump(argv[1], argv[i]);
            continue;
        }
        DIR *d = opendir(argv[i]);
        struct dirent *e;
        while (d && (e = readdir(d))) {
            if (e->d_name[0] != '.') {
                char p[4096];
                snprintf(p, sizeof(p), "%s/%s", argv[i], e->d_name);
                rc |= dump(argv[1], p);
            }
        }
        if (d) {
            closedir(d);
        }
    }
    return rc;
}
