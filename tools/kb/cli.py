"""The `kb` command line: parses options, calls the library, prints, sets the exit code."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import building, loading, reporting, scaffold, schema
from .diagnostics import KbError

entries_option = click.option(
    "--entries", "entries_dir", type=click.Path(file_okay=False, path_type=Path), default=loading.ENTRIES_DIR,
    envvar="KB_ENTRIES", show_default=True, help="Folder of entry files (or set KB_ENTRIES).")


class TerminalProgress:
    """A progress bar on stderr when it is a terminal, created on the first report; silent when piped."""

    def __init__(self, label: str):
        self.label = label
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if self.bar is None:
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)


class KbGroup(click.Group):
    """Turns the library's KbError into a plain message and exit status 1, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except KbError as exc:
            click.echo(f"kb: {exc}", err=True)
            ctx.exit(1)


@click.group(cls=KbGroup)
@click.version_option(package_name="ccm-cooperation-kb", prog_name="kb")
def main():
    """Knowledge base of cooperation and assistance under the Convention on Cluster Munitions."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@entries_option
@click.option("--format", "fmt", type=click.Choice(sorted(reporting.FORMATS)), default="text", show_default=True,
              help="text for people, json for programs, github for annotations on a pull request.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--changed", is_flag=True, help="Check only entries changed since --base (fast on a large knowledge base).")
@click.option("--base", default="HEAD", show_default=True, help="The git reference --changed compares with.")
def validate(paths, entries_dir, fmt, strict, changed, base):
    """Check entries and report every problem with its file, line and column.

    PATHS are entry files or folders (default: all of entries/). Cross-entry checks (unique ids,
    related entries) always see every entry. Exit status: 0 clean, 1 problems, 2 usage error.
    """
    files = [f for p in paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])]
    if paths and not files:
        raise click.UsageError("no entry files (*.yaml) in " + ", ".join(map(str, paths)))
    if changed:
        from . import vcs

        files += vcs.changed_entry_files(entries_dir, base)
        if not files:
            if fmt == "text":
                click.echo(f"No entry changed since {base}.")
            else:
                click.echo(reporting.FORMATS[fmt]([], 0), nl=False)
            return
    corpus = loading.load_corpus(entries_dir, extra_files=files, only=files if changed else None)
    wanted = {loading.display_path(f) for f in files}
    shown = [d for d in corpus.diagnostics if not wanted or d.file in wanted]
    checked = len(wanted) if wanted else len(corpus.docs)
    click.echo(reporting.FORMATS[fmt](shown, checked), nl=False)
    failed = any(d.is_error for d in shown) or (strict and shown)
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("entry_id", required=False)
@entries_option
@click.option("--title", help="The entry's title.")
@click.option("--type", "entry_type", help="good-practice, lesson-learned, case-study ... (see the vocabulary).")
@click.option("--theme", "themes", multiple=True, help="A theme; repeat for several.")
@click.option("--form", "forms", multiple=True, help="A form of assistance; repeat for several.")
@click.option("--modality", multiple=True, help="A modality; repeat for several.")
@click.option("--country", "countries", multiple=True, help="An ISO 3166-1 country code; repeat for several.")
def new(entry_id, entries_dir, title, entry_type, themes, forms, modality, countries):
    """Start a new entry file from a commented template. Never overwrites a file.

    Asks for the id, title and type when they are not given and kb runs in a terminal.
    """
    interactive = sys.stdin.isatty()
    if not title and interactive:
        title = click.prompt("Title (what worked or what was learned)")
    if not entry_id:
        suggested = scaffold.slugify(title or "")
        if not interactive and not suggested:
            raise click.UsageError("give an ENTRY_ID or a --title to make one from")
        entry_id = click.prompt("Id", default=suggested) if interactive else suggested
    if not entry_type:
        entry_type = click.prompt("Type", default="good-practice") if interactive else "good-practice"
    if title:
        from .similarity import similar_to_text

        alike = similar_to_text(loading.load_corpus(entries_dir).entries, title)
        if alike:
            click.echo("Existing entries that look similar; perhaps add to one of them instead:")
            for entry, score in alike:
                click.echo(f"  {entry.id}  {entry.title}  (similarity {score:.2f})")
            if interactive and not click.confirm("Write a new entry anyway?", default=True):
                return
    text = scaffold.render_new_entry(entry_id, title or "", entry_type, themes, forms, modality,
                                     [c.upper() for c in countries])
    path = scaffold.write_new_entry(entries_dir, text, entry_id)
    click.echo(f"Wrote {path}. Replace every TODO, then run: kb validate {path}")


@main.command()
@click.option("--zip", "make_zip", is_flag=True, help="Also write a dated zip of the offline site into dist/.")
def build(make_zip):
    """Validate, index and generate the pages, then build the offline site into site/.

    Stops at the first error in the entries. The new site replaces site/ only when the whole build
    succeeded; a failed build leaves the previous site as it was.
    """
    progress = TerminalProgress("Generating pages")
    try:
        result = building.build(Path.cwd(), make_zip=make_zip, extra_pages={"reference/cli.md": cli_reference()},
                                progress=progress)
    finally:
        progress.close()
    if result.warnings:
        click.echo(f"MkDocs warned:\n{result.warnings}", err=True, nl=False)
    click.echo(f"Built {result.site_dir} from {result.entries} entries "
               f"({result.pages_written} pages written, {result.pages_deleted} removed). "
               f"Open {result.site_dir / 'index.html'} in a browser.")
    if result.zip_path:
        click.echo(f"Wrote {result.zip_path}.")


@main.command()
@entries_option
@click.option("--review-after", default=730, show_default=True, help="Days after which an entry needs review.")
def stats(entries_dir, review_after):
    """Where entries are needed: counts by theme, country, form of assistance and modality, the
    theme and form combinations with no entry, and entries due for review."""
    from . import stats as stats_module

    corpus = loading.load_corpus(entries_dir)
    click.echo(stats_module.as_text(stats_module.compute(corpus.entries, review_after=review_after)), nl=False)


@main.command()
@entries_option
@click.option("--need", "need_id", help="Only this need (its entry id).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def match(entries_dir, need_id, fmt):
    """For each published need, the offers and lessons that fit it, with a score and its reasons.
    A need that no offer fits is reported as a gap."""
    from . import matching

    corpus = loading.load_corpus(entries_dir)
    results = matching.match_all(corpus.entries)
    if need_id:
        results = [r for r in results if r.need.id == need_id]
        if not results:
            raise KbError(f"no need with the id '{need_id}'; `kb match` lists them all.")
    click.echo(matching.as_json(results) if fmt == "json" else matching.as_text(results), nl=False)


@main.command()
@click.option("--check", is_flag=True, help="Fail if the issue forms in .github/ISSUE_TEMPLATE/ are out of date.")
def forms(check):
    """Write the GitHub issue forms (.github/ISSUE_TEMPLATE/) from the vocabularies and the schema."""
    from . import githubforms

    root = Path.cwd()
    if check:
        stale = githubforms.stale_forms(root)
        if stale:
            click.echo(f"{', '.join(stale)}: out of date; run `kb forms`.", err=True)
            sys.exit(1)
        click.echo("The issue forms are up to date.")
        return
    written = githubforms.write_forms(root)
    click.echo(f"Wrote {', '.join(written)}." if written else "The issue forms are up to date.")


@main.command("schema")
@click.option("--check", is_flag=True, help="Fail if schema/entry.schema.json is out of date.")
def schema_command(check):
    """Write schema/entry.schema.json from the vocabularies (the editor's autocompletion uses it)."""
    text = schema.schema_text()
    path = schema.SCHEMA_FILE
    if check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current != text:
            click.echo(f"{path} is out of date: run `kb schema`.", err=True)
            sys.exit(1)
        click.echo(f"{path} is up to date.")
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    click.echo(f"Wrote {path}.")


def cli_reference() -> str:
    """The command line reference page, from the commands' own help texts."""
    lines = ["# The command line", "", "Every command is `kb COMMAND`; `kb COMMAND --help` prints the same text.", ""]
    ctx = click.Context(main, info_name="kb")
    for name in sorted(main.list_commands(ctx)):
        command = main.get_command(ctx, name)
        sub = click.Context(command, info_name=name, parent=ctx)
        lines += [f"## kb {name}", "", "```text", command.get_help(sub), "```", ""]
    return "\n".join(lines)


# ---- search (issue 5) ---------------------------------------------------------------------------

index_dir_option = click.option(
    "--index-dir", type=click.Path(file_okay=False, path_type=Path), envvar="KB_INDEX_DIR",
    help="Folder of the search index (default: .kb/index beside the entries folder; or set KB_INDEX_DIR).")


@main.command()
@entries_option
@index_dir_option
@click.option("--rebuild", is_flag=True, help="Rebuild the whole index instead of updating what changed.")
@click.option("--wait", default=60.0, show_default=True, help="Seconds to wait for another kb run that is writing the index.")
def index(entries_dir, index_dir, rebuild, wait):
    """Build or update the search index. Only changed, added and removed entries are reindexed;
    a killed run leaves the previous index usable. Files with errors are left out until fixed."""
    import contextlib

    from .searchindex import update_index

    bar = click.progressbar(length=1, label="Indexing", file=sys.stderr)

    def progress(done, total):
        bar.length = total
        bar.update(1)

    with bar if sys.stderr.isatty() else contextlib.nullcontext():  # quiet when not on a terminal
        report = update_index(entries_dir, index_dir, rebuild=rebuild, wait=wait,
                              progress=progress if sys.stderr.isatty() else None)
    click.echo(report.summary())


@main.command("search")
@click.argument("query", nargs=-1)
@entries_option
@index_dir_option
@click.option("--theme", "themes", multiple=True, help="A theme, such as victim-assistance; repeat for any of several.")
@click.option("--country", "countries", multiple=True, help="A country: LA, LAO or Lao PDR; repeat for any of several.")
@click.option("--type", "types", multiple=True, help="An entry type, such as case-study; repeatable.")
@click.option("--form", "forms", multiple=True, help="A form of assistance, such as technical; repeatable.")
@click.option("--actor", "actors", multiple=True, help="Words of an actor's name (NSPA, Norway) or a role (donor).")
@click.option("--year-from", type=int, help="Only entries whose period reaches this year or later.")
@click.option("--year-to", type=int, help="Only entries whose period starts this year or earlier.")
@click.option("--article", "articles", multiple=True, help="A CCM article or paragraph: 5, 6.2 ('6' includes 6.1-6.12).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Results per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def search_command(query, entries_dir, index_dir, fmt, **filters):
    """Search the entries. All QUERY words must appear; "quoted phrases", OR, NOT or -word, word*
    and title:word work. British and American spellings and acronyms (CMR, ERW, NSPA ...) find each
    other. Filters of one kind match any of their values. Without words, lists the entries that
    match the filters. The index is updated first if entries changed."""
    from .searchindex import format_json, format_text, search

    data = search(" ".join(query), entries_dir=entries_dir, index_dir=index_dir, **filters)
    for notice in data["notices"]:
        click.echo(f"kb: {notice}", err=True)
    click.echo(format_json(data) if fmt == "json" else format_text(data), nl=False)


@main.command()
@click.argument("entry_id")
@entries_option
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100), help="How many entries to list.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def similar(entry_id, entries_dir, limit, fmt):
    """The entries whose text is most like ENTRY_ID's (TF-IDF cosine from 0 to 1). kb validate uses
    the same measure to warn about likely duplicates (KB505)."""
    from . import similarity

    corpus = loading.load_corpus(entries_dir)
    found = similarity.similar_entries(corpus.entries, entry_id, limit)
    click.echo(similarity.format_similar(entry_id, found, fmt), nl=False)
