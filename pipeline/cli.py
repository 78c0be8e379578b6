"""The `tongbao` command line.  Every subcommand's --help is its documentation."""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import click

from . import __version__
from .reader import discover
from .reader import ENV_MAX_BYTES, ENV_MAX_LINE_LENGTH, override_limit
from .runner import Pipeline, run
from .writer import JsonlWriter


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="tongbao")
def main():
    """tongbao turns Chinese ranking notices (通报), pledge speeches (表态发言) and
    newspaper pages, as text extracted from PDFs and web pages, into structure.

    \b
    Typical use:
        tongbao run corpora/ --out out/          # documents.jsonl (+ errors.jsonl)
        tongbao tables out/documents.jsonl --out rows.csv

    Each subcommand has its own --help.
    """


@main.command("run")
@click.argument("inputs", nargs=-1, required=True, type=click.Path())
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False),
              help="Folder for documents.jsonl and errors.jsonl (created if missing).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
@click.option("--debug-log", type=click.Path(dir_okay=False),
              help="Write tracebacks of documents that failed inside a stage to this file.")
@click.option("--max-bytes", type=click.IntRange(min=1), envvar=ENV_MAX_BYTES, show_envvar=True,
              expose_value=False, callback=lambda ctx, param, value: override_limit(ENV_MAX_BYTES, value),
              help="Largest input file, in bytes; a larger one becomes a `too_large` error "
                   "(default: max_bytes in configs/limits.toml).")
@click.option("--max-line-length", type=click.IntRange(min=1), envvar=ENV_MAX_LINE_LENGTH, show_envvar=True,
              expose_value=False, callback=lambda ctx, param, value: override_limit(ENV_MAX_LINE_LENGTH, value),
              help="Longest line, in characters; a file with a longer one becomes a `too_large` error "
                   "(default: max_line_length in configs/limits.toml).")
def run_command(inputs, out_dir, quiet, debug_log):
    """Structure INPUTS (files, or folders searched recursively for *.txt).

    \b
    Writes, in OUT:
      documents.jsonl  one JSON object per document (the contract: SCHEMA.md)
      errors.jsonl     one line per input that could not become a document,
                       with `source`, a stable `code` and a `message`

    \b
    Error codes (errors.jsonl):
      unreadable   missing, a folder, a broken or looping link, no permission
      too_large    over --max-bytes, or a line over --max-line-length
      empty        no bytes, or only whitespace
      binary       another format (PDF, Office, image, archive) or NUL bytes
      undecodable  not UTF-8, UTF-16/32 with a byte-order mark, GB18030/GBK/GB2312
      internal     a stage failed on this document (the message names it;
                   the traceback goes to --debug-log)

    \b
    Exit status:
      0  every input became a document
      1  some inputs became error records (the summary says how many)
      2  bad command-line usage
    """
    if debug_log:
        logging.basicConfig(filename=debug_log, level=logging.DEBUG)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = list(discover(list(inputs)))
    started = time.perf_counter()
    pipeline = Pipeline()
    docs = errors = 0
    progress = None
    if len(paths) > 1 and not quiet:
        from tqdm import tqdm
        progress = tqdm(total=len(paths), unit="doc", file=sys.stderr)
    with JsonlWriter(out / "documents.jsonl") as dw, JsonlWriter(out / "errors.jsonl") as ew:
        for outcome in run(paths, pipeline):
            if outcome.document is not None:
                dw.write(outcome.document)
                docs += 1
            else:
                ew.write(outcome.error)
                errors += 1
            if progress:
                progress.update(1)
    if progress:
        progress.close()
    if not quiet:
        took = time.perf_counter() - started
        msg = f"{docs} documents, {errors} errors in {took:.1f}s -> {out / 'documents.jsonl'}"
        if errors:
            msg += f" (errors: {out / 'errors.jsonl'})"
        click.echo(msg, err=True)
    sys.exit(1 if errors else 0)

from .validate import validate_command  # noqa: E402

main.add_command(validate_command)
