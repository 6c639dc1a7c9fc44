#!/bin/sh
# Generate a medium-shape model once (into the build directory) and run
# hc1-llm bench on it against the baseline. Used by the bench suite only.
#   run-medium.sh HC1_MKMODEL HC1_LLM BASELINE OUTDIR TYPE
set -eu
mk=$1 llm=$2 baseline=$3 outdir=$4 type=$5
model=$outdir/medium-$type.gguf
if [ ! -s "$model" ]; then
    echo "generating $model (once)"
    # speed does not depend on the vocabulary text: no tokenizer needed
    nice "$mk" --shape medium --type "$type" --no-tokenizer -o "$model"
fi
exec "$llm" bench "$model" -t 2 -r 3 -n 32 --baseline "$baseline"
