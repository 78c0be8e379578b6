"""Read one input file into text: decoding, and the reasons a file can't be read.

Every failure is an `InputError` with a stable `code` (`unreadable`, `too_large`,
`empty`, `binary`, `undecodable`) and a message a person understands, so that
the run records it in errors.jsonl and goes on.

Decoding, in order: a byte-order mark (UTF-8, UTF-16, UTF-32) is honoured and
stripped; another format (PDF, Office, images, archives) and NUL or control
bytes are `binary`; else strict UTF-8; else charset-normalizer judges which of
the candidate encodings of configs/limits.toml (GB18030 and its subsets GBK and
GB2312) or their rivals (Big5, Korean, Japanese, which GB18030 would "decode"
into nonsense) gives coherent text, and a rival is refused by name.  A
multi-byte character cut off at the very end of the file (a truncated download)
is decoded as U+FFFD rather than losing the whole file.  Offsets downstream are
code points into the decoded text.
"""
from __future__ import annotations

import codecs
import errno
import os
import re
import stat
from dataclasses import dataclass
from typing import Iterator

from . import config

# the stable codes of errors.jsonl: the reader's, and the runner's `internal`
ERROR_CODES = ("unreadable", "too_large", "empty", "binary", "undecodable", "timeout", "internal")

ENV_MAX_BYTES = "TONGBAO_MAX_BYTES"
ENV_MAX_LINE_LENGTH = "TONGBAO_MAX_LINE_LENGTH"
ENV_MAX_SECONDS = "TONGBAO_MAX_SECONDS"

# (byte-order mark, codec, name recorded in the document); UTF-32 before UTF-16,
# whose little-endian mark is a prefix of UTF-32's.
BOMS = [
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
]

# Leading bytes of formats that end up with a .txt name by mistake.
SIGNATURES = [
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.odt document)"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an MS Office / WPS document (.doc/.xls/.wps)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x7fELF", "an executable"),
]
# PDF allows junk before its header; look this far for it
PDF_HEADER_WINDOW = 1024
# control bytes that never occur in text (tab, LF, VT, FF, CR are whitespace)
CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x20), 0x7F])
# how the message of an `undecodable` file names a rival encoding
ENCODING_NAMES = {"big5": "Big5 (traditional Chinese)", "cp949": "EUC-KR/CP949 (Korean)",
                  "cp932": "Shift-JIS (Japanese)", "euc_jp": "EUC-JP (Japanese)"}
# control characters other than whitespace, in decoded text
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# the GB family, narrowest first: the document records the narrowest that decodes
GB_FAMILY = ["gb2312", "gbk", "gb18030"]


class InputError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Decoded:
    text: str
    data: bytes
    encoding: str


@dataclass(frozen=True)
class Limits:
    max_bytes: int | None
    max_line_length: int | None
    max_seconds: float | None = None  # per document, in the stages (the runner enforces it)

    @classmethod
    def current(cls) -> "Limits":
        """configs/limits.toml, overridden by TONGBAO_MAX_BYTES / TONGBAO_MAX_LINE_LENGTH /
        TONGBAO_MAX_SECONDS (which `tongbao run --max-bytes/--max-line-length/--max-seconds`
        set).  The runner reads them once per run and hands them to its workers, local or
        on a Dask cluster."""
        conf = config.load("limits")
        return cls(_env_number(ENV_MAX_BYTES, conf["max_bytes"], int),
                   _env_number(ENV_MAX_LINE_LENGTH, conf["max_line_length"], int),
                   _env_number(ENV_MAX_SECONDS, conf.get("max_seconds"), float) or None)

    @classmethod
    def none(cls) -> "Limits":
        return cls(None, None, None)


def _env_number(name: str, default, kind=int):
    value = os.environ.get(name)
    return kind(value) if value else default


# --- reading -------------------------------------------------------------------

def read(path: str | os.PathLike, limits: Limits | None = None) -> Decoded:
    """The decoded text of one input file, or an InputError saying why not."""
    limits = limits or Limits.current()
    data = read_bytes(path, limits.max_bytes)
    decoded = decode(data)
    check_lines(decoded.text, limits.max_line_length)
    return decoded


def read_bytes(path: str | os.PathLike, max_bytes: int | None = None) -> bytes:
    """The file's bytes; refuses what is not a regular file or is over max_bytes
    before reading it (a FIFO or a device would block or never end)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise InputError("unreadable", _os_reason(path, exc)) from exc
    if stat.S_ISDIR(st.st_mode):
        raise InputError("unreadable", "this is a folder, not a file")
    if not stat.S_ISREG(st.st_mode):
        raise InputError("unreadable", "not a regular file (a pipe, socket or device); not read")
    if max_bytes is not None and st.st_size > max_bytes:
        raise InputError("too_large", f"the file is {_size(st.st_size)}, over the {_size(max_bytes)} limit "
                                      "(raise it with --max-bytes or in configs/limits.toml)")
    try:
        with open(path, "rb") as fh:
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError("unreadable", _os_reason(path, exc)) from exc
    if max_bytes is not None and len(data) > max_bytes:  # grew while we looked
        raise InputError("too_large", f"the file is over the {_size(max_bytes)} limit "
                                      "(raise it with --max-bytes or in configs/limits.toml)")
    return data


def _os_reason(path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symbolic link that loops back on itself; cannot be read"
    if exc.errno == errno.ENOENT and os.path.islink(path):
        return f"a broken symbolic link (its target {os.readlink(path)!r} does not exist)"
    if exc.errno == errno.ENOENT:
        return "no such file"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: the file cannot be read by this user"
    if exc.errno == errno.EISDIR:
        return "this is a folder, not a file"
    return f"cannot read the file: {exc.strerror or exc}"


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def check_lines(text: str, max_line_length: int | None) -> None:
    if max_line_length is None or len(text) <= max_line_length:
        return
    pos = 0
    for number, line in enumerate(text.split("\n"), 1):
        if len(line) > max_line_length:
            raise InputError("too_large", f"line {number} (at character {pos:,}) is {len(line):,} characters "
                                          f"long, over the {max_line_length:,} limit "
                                          "(raise it with --max-line-length or in configs/limits.toml)")
        pos += len(line) + 1


# --- decoding ------------------------------------------------------------------

def decode(data: bytes) -> Decoded:
    """Decode an input's bytes, or say why it is not text."""
    if not data:
        raise InputError("empty", "the file is empty (0 bytes)")
    for bom, codec, name in BOMS:
        if data.startswith(bom):
            return _checked(Decoded(_decode_tolerant(data[len(bom):], codec, name), data, name))
    binary_reason = sniff_binary(data)
    if binary_reason:
        raise InputError("binary", binary_reason)
    try:
        return _checked(Decoded(data.decode("utf-8"), data, "utf-8"))
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if _truncated_at_end(data, utf8_error) and not data[:utf8_error.start].isascii():
        # UTF-8 up to a character cut off at the end; with nothing but ASCII before
        # it, the last bytes are as likely a GB character (峒 is E1 BC)
        return _checked(Decoded(data[:utf8_error.start].decode("utf-8") + "\ufffd", data, "utf-8"))
    return _checked(_detect(data, utf8_error))


def _checked(decoded: Decoded) -> Decoded:
    if not decoded.text.strip():
        raise InputError("empty", f"the file holds only whitespace ({len(decoded.data):,} bytes)")
    return decoded


def sniff_binary(data: bytes) -> str | None:
    """Why these bytes are not text (another format, NUL or control bytes), or None."""
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return "this is a PDF file, not text; extract its text first (e.g. with pdftotext)"
    for magic, what in SIGNATURES:
        if data.startswith(magic):
            return f"this is {what}, not text; extract its text first"
    nul = data.find(b"\x00")
    if nul >= 0:
        return (f"binary data, not text: NUL byte at offset {nul:,} "
                "(UTF-16 text is read only when it starts with a byte-order mark)")
    controls = len(data) - len(data.translate(None, CONTROL_BYTES))
    if controls > len(data) * _conf()["max_control_ratio"]:
        return f"binary data, not text: {controls:,} of {len(data):,} bytes are control characters"
    return None


def _conf() -> dict:
    return config.load("limits")["decoding"]


def _detect(data: bytes, utf8_error: UnicodeDecodeError) -> Decoded:
    """Ask charset-normalizer which candidate (or rival) encoding gives coherent text."""
    from charset_normalizer import from_bytes

    conf = _conf()
    candidates = conf["candidates"]
    body, cut = _without_cut_tail(data, candidates)
    rivals = conf["rivals"] if len(body) >= conf["min_rival_bytes"] else []
    best = from_bytes(body, cp_isolation=candidates + rivals, threshold=conf["max_chaos"]).best()
    if best is not None:
        codec = codecs.lookup(best.encoding).name
        if best.encoding not in candidates and codec not in map(_codec_name, candidates):
            raise InputError("undecodable", f"looks like {ENCODING_NAMES.get(codec, codec)} text, which is not "
                                            "read (encodings read: UTF-8, UTF-16/32 with a byte-order mark, "
                                            f"{', '.join(candidates)}; convert the file, or add the encoding "
                                            "to configs/limits.toml)")
        return Decoded(body.decode(codec) + cut, data, _narrowest(body, codec))
    # no verdict: the mess detector turns away short or noisy text (OCR debris, a
    # line of symbols) that is plain GB all the same; strict decoding to text
    # without control characters is then the test
    for codec in candidates:
        try:
            text = body.decode(codec)
        except UnicodeDecodeError:
            continue
        if not _CONTROL_CHARS.search(text):
            return Decoded(text + cut, data, _narrowest(body, _codec_name(codec)))
    raise InputError("undecodable", f"not text in a known encoding: not UTF-8 (byte 0x{data[utf8_error.start]:02x} "
                                    f"at offset {utf8_error.start:,} is invalid), no byte-order mark, and "
                                    f"{' / '.join(candidates)} does not decode it to text")


def _codec_name(name: str) -> str:
    return codecs.lookup(name).name


def _without_cut_tail(data: bytes, candidates: list[str]) -> tuple[bytes, str]:
    """(data, "") or, when a candidate fails only on a character cut off at the very
    end, (data without those bytes, "\ufffd")."""
    for codec in candidates:
        try:
            data.decode(codec)
            return data, ""
        except UnicodeDecodeError as exc:
            if _truncated_at_end(data, exc):
                return data[:exc.start], "\ufffd"
    return data, ""


def _narrowest(data: bytes, codec: str) -> str:
    """gb2312 / gbk / gb18030: the narrowest of the family that decodes the data."""
    if codec not in GB_FAMILY:
        return codec
    for name in GB_FAMILY[:GB_FAMILY.index(codec) + 1]:
        try:
            data.decode(name)
            return name
        except UnicodeDecodeError:
            continue
    return codec


def _decode_tolerant(data: bytes, codec: str, name: str) -> str:
    """Strict decoding, except that a character cut off at the very end becomes U+FFFD."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if _truncated_at_end(data, exc):
            return data[:exc.start].decode(codec) + "\ufffd"
        raise InputError("undecodable", f"starts with a {name} byte-order mark, but byte "
                                        f"{exc.start:,} is not valid {name}: {exc.reason}") from exc


def _truncated_at_end(data: bytes, exc: UnicodeDecodeError) -> bool:
    """Is the only error an incomplete multi-byte character at the end of the data?"""
    return (len(data) - exc.start <= 3 and exc.end == len(data)
            and exc.reason in ("unexpected end of data", "incomplete multibyte sequence", "truncated data")
            and data[exc.start] != 0xFF)  # never starts a character in any of these encodings


# --- discovery -----------------------------------------------------------------

def discover(inputs: list[str]) -> Iterator[str]:
    """Input paths in a stable order: files as given, folders searched for *.txt.

    Symbolic links inside folders are listed but not followed into folders (no
    loops); a sub-folder that cannot be listed is yielded itself, so that the run
    reports it as `unreadable` instead of silently skipping what it holds.
    """
    for item in inputs:
        if not os.path.isdir(item):
            yield item
            continue
        unlisted: list[str] = []
        for root, dirs, files in os.walk(item, onerror=lambda err: unlisted.append(err.filename)):
            dirs.sort()
            for name in sorted(files):
                if name.lower().endswith(".txt"):
                    yield os.path.join(root, name)
        yield from unlisted


def override_limit(env_name: str, value: float | None) -> None:
    """Set a limit for this run and the worker processes it starts (see Limits.current)."""
    if value is not None:
        os.environ[env_name] = str(value)
