"""The `tongbao` command line.  Every subcommand's --help is its documentation."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from . import __version__, compiled
from .reader import (
    ENV_MAX_BYTES,
    ENV_MAX_LINE_LENGTH,
    ENV_MAX_SECONDS,
    discover,
    override_limit,
)
from .runner import default_jobs, run_to_folder


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="tongbao", message="%(prog)s %(version)s, stages "
                      + ("compiled (mypyc)" if compiled() else "pure Python"))
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
@click.option("--max-seconds", type=click.FloatRange(min=0), envvar=ENV_MAX_SECONDS, show_envvar=True,
              expose_value=False, callback=lambda ctx, param, value: override_limit(ENV_MAX_SECONDS, value),
              help="Longest time the stages may spend on one document; a slower one becomes a `timeout` "
                   "error, 0 for no limit (default: max_seconds in configs/limits.toml; not enforced in "
                   "Dask's worker threads).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=default_jobs(), show_default="all cores",
              help="Worker processes.  Configs and dictionaries are loaded once and shared by the "
                   "workers.  The output is in input order, byte for byte the same whatever the number.")
@click.option("--dask", "dask_address", metavar="ADDRESS",
              help="Run on a Dask cluster: a scheduler address (tcp://host:8786), or `local` for a "
                   "LocalCluster of --jobs workers.  Workers must see INPUTS at the same paths and "
                   "have tongbao installed with the same configs.")
@click.option("--resume", is_flag=True,
              help="Skip inputs whose doc_id is already in OUT/documents.jsonl and append the others; "
                   "errors.jsonl is rewritten, as failed inputs are tried again.")
@click.option("--batch-size", type=click.IntRange(min=1), default=16, show_default=True,
              help="Inputs per task sent to a worker process or Dask partition.")
def run_command(inputs, out_dir, quiet, debug_log, jobs, dask_address, resume, batch_size):
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
      timeout      the stages took longer than --max-seconds on it (the message
                   names the stage)
      internal     a stage failed on this document (the message names it;
                   the traceback goes to --debug-log)

    \b
    Scale (docs/scale.md):
      Inputs are found lazily and processed one document at a time; each line is
      written whole and flushed, so memory stays flat over any number of files
      and an interrupted run can go on with --resume.
        tongbao run big/ --out out/ --jobs 8
        tongbao run big/ --out out/ --dask tcp://scheduler:8786
        tongbao run big/ --out out/ --resume     # after an interruption

    \b
    Exit status:
      0  every input became a document
      1  some inputs became error records (the summary says how many)
      2  bad command-line usage
    """
    if debug_log:
        logging.basicConfig(filename=debug_log, level=logging.DEBUG, force=True)  # even when a handler exists
    out = Path(out_dir)
    progress = None
    if not quiet:
        total = sum(1 for _ in discover(list(inputs)))  # a cheap first walk, for the progress bar
        if total > 1:
            from tqdm import tqdm
            progress = tqdm(total=total, unit="doc", file=sys.stderr)
    summary = run_to_folder(discover(list(inputs)), out, resume=resume, jobs=jobs, dask=dask_address,
                            batch_size=batch_size, on_outcome=progress and (lambda _: progress.update(1)))
    if progress:
        progress.close()
    if not quiet:
        msg = f"{summary.documents} documents, {summary.errors} errors in {summary.seconds:.1f}s"
        if summary.skipped:
            msg += f", {summary.skipped} already done (skipped)"
        msg += f" -> {out / 'documents.jsonl'}"
        if summary.errors:
            msg += f" (errors: {out / 'errors.jsonl'})"
        click.echo(msg, err=True)
    sys.exit(1 if summary.errors else 0)

from .validate import validate_command  # noqa: E402

main.add_command(validate_command)

from .cli_store import COMMANDS as _STORE_COMMANDS  # noqa: E402  index, query, export, tables

for _command in _STORE_COMMANDS:
    main.add_command(_command)

from .build_models import build_models_command  # noqa: E402  models/units.dict

main.add_command(build_models_command)
