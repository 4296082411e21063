"""The table definitions: one pandera model per published table.

These models are the single source of truth. The Frictionless Table Schemas in
`datapackage.json`, the JSON files in the repository's `schema/` folder and the
data dictionary are all derived from them (see `frictionless.py`). Keys live in
each model's `Config.metadata`, beside the columns they constrain.
"""

from __future__ import annotations

import polars as pl

try:
    import pandera.polars as pa
    from pandera.polars import Field
except ImportError:  # the models are the [schema] extra; say so in one line
    raise ModuleNotFoundError(
        "the table models need the 'schema' extra: pip install 'pak-afghan-diplomacy[schema]'"
    ) from None

from pak_afghan_diplomacy.schema import vocab

# Reduced ISO 8601 (2024, 2024-12, 2024-12-23) and, where a span is meant, an interval a/b.
_DAY = r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"
REDUCED_DATE = rf"^{_DAY}$"
# An interval may be open at one end (EDTF `..`): `2024-12-23/..`, `../2024-12`.
DATE_OR_INTERVAL = rf"^(?:{_DAY}|{_DAY}/{_DAY}|{_DAY}/\.\.|\.\./{_DAY})$"
ISO639_1 = r"^[a-z]{2}$"
URL = r"^https?://\S+$"
SLUG = r"^[a-z0-9]+(?:[-./][a-z0-9]+)*$"
ARTICLE_ID = r"^[a-z0-9][a-z0-9_-]*$"
SHA256 = r"^[0-9a-f]{64}$"
ISO3 = r"^[A-Z]{3}$"


def _id(description: str, *, unique: bool = True, pattern: str = SLUG) -> pa.Field:
    return Field(unique=unique, str_matches=pattern, description=description)


def _ref(description: str, *, nullable: bool = False, pattern: str = SLUG) -> pa.Field:
    return Field(nullable=nullable, str_matches=pattern, description=description)


def _text(description: str, *, nullable: bool = False) -> pa.Field:
    # Empty strings are refused so that CSV's empty cell can only mean null.
    return Field(nullable=nullable, str_length={"min_value": 1}, description=description)


def _enum(values: tuple[str, ...], description: str, *, nullable: bool = False) -> pa.Field:
    return Field(nullable=nullable, isin=list(values), description=description)


def _date(description: str, *, nullable: bool = True, pattern: str = REDUCED_DATE) -> pa.Field:
    return Field(nullable=nullable, str_matches=pattern, description=description)


def _part(of: str) -> pa.Field:
    return _enum(
        vocab.INFERRED_PARTS,
        f"Which part of `{of}` is inferred: `year` (day and month printed), `day` (year and month printed in the "
        "article), `start` or `end` (that end of an interval is inferred; the other is printed or open: an interval "
        "open at one end names the bound it infers, never `whole`), `whole` (nothing of the date printed, or more "
        "than one part inferred); null where it is not inferred.",
        nullable=True,
    )


def _inferred_part(flag: str, part: str):
    """A frame check: `part` is set exactly where `flag` is true."""

    def check(cls, data: pa.PolarsData) -> pl.LazyFrame:
        ok = pl.col(flag).fill_null(False) == pl.col(part).is_not_null()
        return data.lazyframe.select(ok.alias("ok"))

    check.__name__ = f"{part}_set_where_{flag}"
    check.__doc__ = f"`{part}` says which part is inferred exactly where `{flag}` is true."
    return pa.dataframe_check(check)


def _open_part(date: str, part: str):
    """A frame check: a date open at one end (`X/..`, `../X`) infers its one bound, so `part` names that bound."""

    def check(cls, data: pa.PolarsData) -> pl.LazyFrame:
        d, p = pl.col(date).fill_null(""), pl.col(part).fill_null("")
        open_end, open_start = d.str.ends_with("/.."), d.str.starts_with("../")
        ok = ~((open_end & p.is_in(["whole", "end"])) | (open_start & p.is_in(["whole", "start"])))
        return data.lazyframe.select(ok.alias("ok"))

    check.__name__ = f"{part}_of_an_open_interval_is_its_bound"
    check.__doc__ = (
        f"`{part}` names the bound inferred where `{date}` is open at one end (`start` of `X/..`), never `whole`."
    )
    return pa.dataframe_check(check)


def _said_how_known(present: pl.Expr, basis: str, noted: pl.Expr) -> pl.Expr:
    """`basis` is set exactly where `present` holds, and an inference (`vocab.INFERENCES`) is `noted`."""
    b = pl.col(basis)
    return (b.is_not_null() == present) & (~b.is_in(list(vocab.INFERENCES)).fill_null(False) | noted)


def _offset(description: str) -> pa.Field:
    return Field(ge=0, description=description)


def _part_bounds(part: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """First and last day of one reduced date (null where it is `..` or no calendar date)."""
    n = part.str.len_chars()
    lo = pl.when(n == 4).then(part + "-01-01").when(n == 7).then(part + "-01").otherwise(part)
    lo = lo.str.to_date("%Y-%m-%d", strict=False)
    hi = (
        pl.when(n == 4)
        .then((part + "-12-31").str.to_date("%Y-%m-%d", strict=False))
        .when(n == 7)
        .then(lo.dt.month_end())
        .otherwise(lo)
    )
    return lo, hi


def date_bounds_expr(column: str) -> tuple[pl.Expr, pl.Expr]:
    """Polars expressions for the bounds of a reduced date or interval column (see `dates.bounds`)."""
    parts = pl.col(column).str.split("/")
    first, last = parts.list.first(), parts.list.last()
    return _part_bounds(first)[0], _part_bounds(last)[1]


def _calendar(column: str):
    """A frame check: every part of `column` is a real calendar date (or `..`, an open end)."""

    def check(cls, data: pa.PolarsData) -> pl.LazyFrame:
        parts = pl.col(column).str.split("/")
        ok = [(p == "..") | _part_bounds(p)[0].is_not_null() for p in (parts.list.first(), parts.list.last())]
        return data.lazyframe.select((pl.col(column).is_null() | (ok[0] & ok[1])).alias("ok"))

    check.__name__ = f"{column}_is_a_calendar_date"
    check.__doc__ = f"`{column}` names days that exist (no 2024-02-31)."
    return pa.dataframe_check(check)


def _within(column: str, earliest: str, latest: str):
    """A frame check: `earliest`/`latest` are exactly the bounds `column` allows, so the date lies inside them."""

    def check(cls, data: pa.PolarsData) -> pl.LazyFrame:
        lo, hi = date_bounds_expr(column)
        ok = lo.eq_missing(pl.col(earliest)) & hi.eq_missing(pl.col(latest))
        return data.lazyframe.select((pl.col(column).is_null() | ok).alias("ok"))

    check.__name__ = f"{column}_within_{earliest}_{latest}"
    check.__doc__ = f"`{earliest}` and `{latest}` are the first and last day `{column}` allows."
    return pa.dataframe_check(check)


def _ordered(first: str, second: str):
    """A frame check: `first <= second` wherever both are set."""

    def check(cls, data: pa.PolarsData) -> pl.LazyFrame:
        a, b = pl.col(first), pl.col(second)
        return data.lazyframe.select((a.is_null() | b.is_null() | (a <= b)).alias("ok"))

    check.__name__ = f"{first}_not_after_{second}"
    return pa.dataframe_check(check)


class Table(pa.DataFrameModel):
    """Common configuration: strict columns, no coercion (the data must already be right)."""

    class Config:
        strict = True
        coerce = False


class Articles(Table):
    """The seed articles: one row per article, with the span that is the article itself."""

    article_id: str = _id("Identifier of the article: the seed file's name without `.txt`.", pattern=ARTICLE_ID)
    title: str = _text("The headline as printed, or a curated description where the page has none.")
    title_basis: str = _enum(vocab.BASES_TITLE, "`stated`: printed headline; `curated`: written by the curator.")
    url: str | None = Field(nullable=True, str_matches=URL, description="Where the article was published online.")
    url_basis: str | None = _enum(
        vocab.BASES_URL,
        "How the URL was established: `matched` (the published page, found by its headline and words, prints the "
        "same text) or `printed` in the text; null without a URL.",
        nullable=True,
    )
    url_note: str | None = _text(
        "How and when the page was found; where `url` is null, what was searched (and any copy found).", nullable=True
    )
    publisher: str | None = _text("The publisher (newspaper, agency, site).", nullable=True)
    publisher_basis: str | None = _enum(
        vocab.BASES_PUBLISHER, "`printed` in the text, or `site`: from the page or site it came from.", nullable=True
    )
    language: str = Field(str_matches=ISO639_1, description="Language of the text, ISO 639-1 (`en`).")
    accessed: str | None = _date("When the curator retrieved the page, reduced ISO; null if not recorded.")
    published_date: str = _date(
        "Publication date, reduced ISO 8601 (`2024-12`, `2023-07-21`) or an interval (`2025-03-24/..`).",
        nullable=False,
        pattern=DATE_OR_INTERVAL,
    )
    published_earliest: pl.Date | None = Field(nullable=True, description="First day `published_date` allows.")
    published_latest: pl.Date | None = Field(
        nullable=True, description="Last day `published_date` allows; null where no source bounds it."
    )
    published_date_basis: str = _enum(vocab.BASES, "`stated` in the text, or `inferred` (see the note).")
    published_date_inferred_part: str | None = _part("published_date")
    published_date_note: str | None = _text("How the publication date was found.", nullable=True)
    body_start: int = _offset("Code-point offset where the article body starts (headline included).")
    body_end: int = _offset("Code-point offset where the body ends: teasers and appended pages excluded.")
    text_length: int = _offset("Length of the seed text in code points.")
    sha256: str = Field(str_matches=SHA256, description="SHA-256 of the seed file's bytes.")
    source_file: str = _text("The seed file's name in the repository's `seeds/` folder.")

    class Config:
        metadata = {"primary_key": ["article_id"], "foreign_keys": []}

    _body_ordered = _ordered("body_start", "body_end")
    _body_inside = _ordered("body_end", "text_length")
    _published_calendar = _calendar("published_date")
    _published_within = _within("published_date", "published_earliest", "published_latest")
    _published_open = _open_part("published_date", "published_date_inferred_part")

    @pa.dataframe_check
    def published_part_where_inferred(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`published_date_inferred_part` is set exactly where the basis is `inferred`."""
        ok = (
            pl.col("published_date_basis").is_in(list(vocab.INFERENCES))
            == pl.col("published_date_inferred_part").is_not_null()
        )
        return data.lazyframe.select(ok.alias("ok"))

    _accessed_calendar = _calendar("accessed")

    @pa.dataframe_check
    def url_has_a_basis(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A URL says how it was established; no basis without a URL."""
        return data.lazyframe.select((pl.col("url").is_null() == pl.col("url_basis").is_null()).alias("ok"))

    @pa.dataframe_check
    def publisher_has_a_basis(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A publisher says how it is known; no basis without a publisher."""
        return data.lazyframe.select((pl.col("publisher").is_null() == pl.col("publisher_basis").is_null()).alias("ok"))


class BodyExclusions(Table):
    """Page furniture inside an article's body (a teaser link, a share widget): not the article's words.

    `body_start:body_end` minus these spans is the article; every statement and evidence span lies outside them.
    """

    article_id: str = _ref("The article.", pattern=ARTICLE_ID)
    char_start: int = _offset("Code-point offset where the excluded span starts.")
    char_end: int = _offset("Code-point offset just after it.")
    text: str = _text("The excluded characters: `article_text[char_start:char_end]`.")
    reason: str = _text("Why it is not part of the article (`page furniture: a teaser link to another article`).")

    class Config:
        metadata = {
            "primary_key": ["article_id", "char_start"],
            "foreign_keys": [("article_id", "articles", "article_id")],
        }

    _span = _ordered("char_start", "char_end")


class Dismissals(Table):
    """What the curator set aside on purpose: quotations and name mentions that are not curated, and why.

    Published so that nothing is dropped silently: each row is a `dismissed` entry of an article's curation.
    """

    article_id: str = _ref("The article.", pattern=ARTICLE_ID)
    char_start: int = _offset("Code-point offset where the dismissed span starts.")
    char_end: int = _offset("Code-point offset just after it.")
    text: str = _text("The dismissed characters: `article_text[char_start:char_end]`.")
    reason: str = _text("Why it is not curated (`photo credit`, `quoted reason with no stated speaker`).")

    class Config:
        metadata = {
            "primary_key": ["article_id", "char_start"],
            "foreign_keys": [("article_id", "articles", "article_id")],
        }

    _span = _ordered("char_start", "char_end")


class Persons(Table):
    """Persons named in the articles, one row per person however many spellings."""

    person_id: str = _id("Readable identifier (`mohammad-sadiq`).")
    name: str = _text("The fullest correct form of the name.")
    name_basis: str = _enum(
        vocab.BASES_NAME,
        "`stated`: an article prints the name in this form (`person_names`); `public-record`: no article does, "
        "and `note` gives the source of the fuller form.",
    )
    note: str | None = _text(
        "The curator's note on the person: where the name comes from, or who they are.", nullable=True
    )

    class Config:
        metadata = {"primary_key": ["person_id"], "foreign_keys": []}

    @pa.dataframe_check
    def a_public_record_name_has_its_source(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A name no article prints (`public-record`) has a note giving its source."""
        ok = (pl.col("name_basis") != "public-record") | pl.col("note").is_not_null()
        return data.lazyframe.select(ok.alias("ok"))


class PersonNames(Table):
    """Every spelling of a person: the canonical form and each form a source prints."""

    name_id: str = _id(
        "Identifier of this spelling: `person_id:article_id:name` (`canonical` for the curated form).",
        pattern=r"^\S.*$",
    )
    person_id: str = _ref("The person.")
    name: str = _text("The name as printed, without titles such as Mawlawi or Ambassador.")
    article_id: str | None = _ref(
        "Where it is printed; null for the curated canonical form.", nullable=True, pattern=ARTICLE_ID
    )
    inferred: bool = Field(description="True where resolving this spelling to the person is an inference.")
    note: str | None = _text("Why a spelling was resolved to this person, or how it differs.", nullable=True)

    class Config:
        metadata = {
            "primary_key": ["name_id"],
            "unique": [["person_id", "name", "article_id"]],
            "foreign_keys": [("person_id", "persons", "person_id"), ("article_id", "articles", "article_id")],
        }


class Organizations(Table):
    """Governments, ministries, missions and armed groups that posts and statements belong to."""

    organization_id: str = _id("Readable identifier (`pak-foreign-office`).")
    name: str = _text("Name of the organization.")
    country: str | None = Field(nullable=True, str_matches=ISO3, description="Country, ISO 3166-1 alpha-3.")
    classification: str = _enum(vocab.ORGANIZATION_CLASSES, "Kind of organization.")
    note: str | None = _text(
        "The curator's note: the spellings the articles print where they differ from `name`, or who it is.",
        nullable=True,
    )

    class Config:
        metadata = {"primary_key": ["organization_id"], "foreign_keys": []}


class Posts(Table):
    """The vocabulary of posts: one name per post, whatever wording a source prints (see `post_aliases`)."""

    post_id: str = _id("Readable identifier (`foreign-minister`).")
    title: str = _text("The post's one name, e.g. `Special Representative for Afghanistan`.")
    holders: str = _enum(vocab.POST_HOLDERS, "`one` holder at a time per organization, or `many` (spokespersons).")
    note: str | None = _text("Curator's remark.", nullable=True)

    class Config:
        metadata = {"primary_key": ["post_id"], "foreign_keys": []}


class PostAliases(Table):
    """Other wordings of a post that sources print (`special envoy for Afghanistan`): find a post by any of them."""

    post_id: str = _ref("The post it names (see `posts`).")
    alias: str = _text("A wording of the post's title, as sources print it (matched without regard to case).")

    class Config:
        metadata = {"primary_key": ["post_id", "alias"], "foreign_keys": [("post_id", "posts", "post_id")]}


class Roles(Table):
    """A person holding a post in an organization over a span (a Popolo membership)."""

    role_id: str = _id("Readable identifier: `person/post/first year`.")
    person_id: str = _ref("The person holding the post.")
    organization_id: str = _ref("The organization the post belongs to.")
    post_id: str = _ref("The post (see `posts` and `post_aliases`).")
    title: str = _text("The post's name, as `posts.title`.")
    acting: bool = Field(description="True where a source calls the holder acting.")
    start_date: str | None = _date(
        "When the person took the post, reduced ISO, or an interval where only bounds are known "
        "(`2023-03/2023-07-19`); null if unknown.",
        pattern=DATE_OR_INTERVAL,
    )
    start_earliest: pl.Date | None = Field(nullable=True, description="First day `start_date` allows.")
    start_latest: pl.Date | None = Field(nullable=True, description="Last day `start_date` allows.")
    start_date_inferred: bool = Field(description="True where the start date is an inference (see the note).")
    start_date_inferred_part: str | None = _part("start_date")
    start_date_basis: str | None = _enum(
        vocab.BASES,
        "`stated`, `inferred` from the texts, or `public-record` (see the note); null without a start date.",
        nullable=True,
    )
    end_date: str | None = _date("When the person left the post, reduced ISO; null if unknown or current.")
    end_earliest: pl.Date | None = Field(nullable=True, description="First day `end_date` allows.")
    end_latest: pl.Date | None = Field(nullable=True, description="Last day `end_date` allows.")
    end_date_inferred: bool = Field(description="True where the end date is an inference (see the note).")
    end_date_inferred_part: str | None = _part("end_date")
    end_date_basis: str | None = _enum(
        vocab.BASES,
        "`stated`, `inferred` from the texts, or `public-record` (see the note); null without an end date.",
        nullable=True,
    )
    start_date_note: str | None = _text("How the start date was established.", nullable=True)
    end_date_note: str | None = _text("How the end date was established.", nullable=True)
    status: str = _enum(
        vocab.ROLE_STATUSES, "`current`, `ended` or `unknown`, as of `observed_date` (not as of today)."
    )
    observed_date: str = _date(
        "The latest date at which a source shows the role (see `role_observations`): the observation whose "
        "earliest day is latest (an open end never wins); may be an interval or open-ended (`2024-12-23/..`) "
        "where that article's date is.",
        nullable=False,
        pattern=DATE_OR_INTERVAL,
    )
    note: str | None = _text("Curator's remarks: other wordings of the title, sources.", nullable=True)

    class Config:
        metadata = {
            "primary_key": ["role_id"],
            "foreign_keys": [
                ("person_id", "persons", "person_id"),
                ("organization_id", "organizations", "organization_id"),
                ("post_id", "posts", "post_id"),
            ],
        }

    _start_calendar = _calendar("start_date")
    _start_within = _within("start_date", "start_earliest", "start_latest")
    _end_calendar = _calendar("end_date")
    _end_within = _within("end_date", "end_earliest", "end_latest")
    _span = _ordered("start_earliest", "end_latest")
    _start_part = _inferred_part("start_date_inferred", "start_date_inferred_part")
    _start_open = _open_part("start_date", "start_date_inferred_part")
    _end_part = _inferred_part("end_date_inferred", "end_date_inferred_part")
    _end_open = _open_part("end_date", "end_date_inferred_part")

    @pa.dataframe_check
    def a_role_date_says_how_it_is_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Each date has its basis (and no basis without a date); `*_inferred` is true exactly for an inference."""
        ok = pl.lit(True)
        for d in ("start_date", "end_date"):
            basis = pl.col(f"{d}_basis")
            ok = ok & (pl.col(d).is_null() == basis.is_null())
            ok = ok & (basis.is_in(list(vocab.INFERENCES)).fill_null(False) == pl.col(f"{d}_inferred"))
        return data.lazyframe.select(ok.alias("ok"))

    @pa.dataframe_check
    def ended_roles_have_no_current_status(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A role with an end date is not `current`."""
        return data.lazyframe.select((pl.col("end_date").is_null() | (pl.col("status") != "current")).alias("ok"))


class RoleObservations(Table):
    """Each article's view of a role: held (`current`) or already left (`ended`) at the date it shows."""

    role_id: str = _ref("The role observed (see `roles`).")
    article_id: str = _ref("The article showing it.", pattern=ARTICLE_ID)
    observed_date: str = _date(
        "The date at which the article shows the role: its publication date unless it says otherwise.",
        nullable=False,
        pattern=DATE_OR_INTERVAL,
    )
    observed_inferred: bool = Field(description="True where the date is an inference (see the note).")
    observed_inferred_part: str | None = _part("observed_date")
    status: str = _enum(vocab.OBSERVED_STATUSES, "`current`: held at that date; `ended`: a former holder by then.")
    note: str | None = _text("How the date or status was read.", nullable=True)

    class Config:
        metadata = {
            "primary_key": ["role_id", "article_id"],
            "foreign_keys": [("role_id", "roles", "role_id"), ("article_id", "articles", "article_id")],
        }

    _observed_calendar = _calendar("observed_date")
    _observed_part = _inferred_part("observed_inferred", "observed_inferred_part")
    _observed_open = _open_part("observed_date", "observed_inferred_part")


class Meetings(Table):
    """Meetings and visits: one row per event however many articles report it."""

    meeting_id: str = _id(
        "Readable identifier: `date-participants-city`, from the record's own values (a day or place resting on "
        "public record included: the row flags it); stable once published, a rename is listed in CHANGELOG."
    )
    date: str = _date(
        "Reduced ISO date, or an interval `a/b` for a span or where sources disagree; `..` marks an open end "
        "(`../2024-12`: no date stated, at the latest December 2024).",
        nullable=False,
        pattern=DATE_OR_INTERVAL,
    )
    date_earliest: pl.Date | None = Field(nullable=True, description="First day `date` allows; null if open.")
    date_latest: pl.Date | None = Field(nullable=True, description="Last day `date` allows; null if open.")
    date_precision: str = _enum(vocab.PRECISIONS, "`day`, `month`, `year` or `interval`.")
    date_inferred: bool = Field(description="True where the date is an inference (see the note).")
    date_basis: str = _enum(
        vocab.BASES,
        "`stated`, `inferred` from the texts, or `public-record` (who held which office when, or an official "
        "readout's date and place; the note names it).",
    )
    date_inferred_part: str | None = _part("date")
    date_note: str | None = _text("How the date was established.", nullable=True)
    city: str | None = _text("City, where known.", nullable=True)
    country: str | None = Field(nullable=True, str_matches=ISO3, description="Country, ISO 3166-1 alpha-3.")
    place_basis: str | None = _enum(
        vocab.BASES, "`stated`: the place is printed; `inferred`: see `place_note`; null: no place.", nullable=True
    )
    place_note: str | None = _text("How the place was established.", nullable=True)
    kind: str = _enum(vocab.MEETING_KINDS, "Kind of event.")
    cameo_code: str | None = Field(
        nullable=True, str_matches=r"^\d{3,4}$", description="CAMEO event code (040 consult, 042 visit, 043 host)."
    )
    description: str = _text("One sentence describing the event.")
    part_of: str | None = _ref("The visit (or larger meeting) this meeting was part of.", nullable=True)
    grouping_uncertain: bool = Field(
        description="True where the source does not say whether talks were one meeting or several (see `note`)."
    )
    note: str | None = _text("Curator's remark: grouping, distinct look-alike meetings.", nullable=True)
    source_count: int = Field(ge=1, description="How many articles report it (see `meeting_sources`).")

    class Config:
        metadata = {"primary_key": ["meeting_id"], "foreign_keys": [("part_of", "meetings", "meeting_id")]}

    _bounds = _ordered("date_earliest", "date_latest")
    _date_calendar = _calendar("date")
    _date_within = _within("date", "date_earliest", "date_latest")
    _date_part = _inferred_part("date_inferred", "date_inferred_part")
    _date_open = _open_part("date", "date_inferred_part")

    @pa.dataframe_check
    def place_has_a_basis(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A city or country says whether it is printed or inferred; no basis without a place."""
        placed = pl.col("city").is_not_null() | pl.col("country").is_not_null()
        return data.lazyframe.select((placed == pl.col("place_basis").is_not_null()).alias("ok"))


class MeetingSources(Table):
    """Each article's report of a meeting, with the date that article gives: nothing is merged away."""

    meeting_id: str = _ref("The meeting.")
    article_id: str = _ref("The article reporting it.", pattern=ARTICLE_ID)
    reported_date: str | None = _date(
        "The date this article gives or implies; null if it gives none.", pattern=DATE_OR_INTERVAL
    )
    reported_date_inferred: bool | None = Field(
        nullable=True, description="True where the reported date is inferred (e.g. from `Monday`)."
    )
    reported_date_basis: str | None = _enum(
        vocab.BASES, "`stated`, `inferred`, or `public-record` (see the note); null without a date.", nullable=True
    )
    reported_date_inferred_part: str | None = _part("reported_date")
    reported_date_note: str | None = _text("How the article's date was read.", nullable=True)

    _reported_calendar = _calendar("reported_date")
    _reported_part = _inferred_part("reported_date_inferred", "reported_date_inferred_part")
    _reported_open = _open_part("reported_date", "reported_date_inferred_part")

    class Config:
        metadata = {
            "primary_key": ["meeting_id", "article_id"],
            "foreign_keys": [("meeting_id", "meetings", "meeting_id"), ("article_id", "articles", "article_id")],
        }


class MeetingParticipants(Table):
    """Who took part in a meeting, on which side, in which capacity."""

    participant_id: str = _id(
        "Identifier: `meeting_id:person_id`, or `meeting_id:group` for unnamed participants.", pattern=r"^\S+:\S+$"
    )
    meeting_id: str = _ref("The meeting.")
    person_id: str | None = _ref("The participant; null for unnamed participants.", nullable=True)
    unnamed: str | None = _text(
        "Unnamed participants as printed (`federal secretaries for commerce, railways and interior`); where the "
        "printed words cover both sides (`the delegations`), the side this row is follows in brackets.",
        nullable=True,
    )
    count: int | None = Field(nullable=True, ge=1, description="How many unnamed participants, where stated.")
    side: str = Field(str_matches=ISO3, description="The country the participant represents, ISO 3166-1 alpha-3.")
    participation: str = _enum(vocab.PARTICIPATIONS, "`host`, `visitor` or `attendee`.")
    participation_basis: str = _enum(
        vocab.BASES, "`stated`: the sources place the participant in this meeting; `inferred`: see the note."
    )
    participation_note: str | None = _text("Why the participation is inferred.", nullable=True)

    class Config:
        metadata = {
            "primary_key": ["participant_id"],
            "foreign_keys": [("meeting_id", "meetings", "meeting_id"), ("person_id", "persons", "person_id")],
        }

    @pa.dataframe_check
    def named_or_unnamed(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Exactly one of `person_id` and `unnamed`; a `count` only for unnamed participants."""
        named = pl.col("person_id").is_not_null()
        ok = (named != pl.col("unnamed").is_not_null()) & (~named | pl.col("count").is_null())
        return data.lazyframe.select(ok.alias("ok"))

    @pa.dataframe_check
    def inferred_participation_has_a_note(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """An inferred participation says why."""
        ok = (pl.col("participation_basis") != "inferred") | pl.col("participation_note").is_not_null()
        return data.lazyframe.select(ok.alias("ok"))


class Incidents(Table):
    """Attacks, killings and other events the articles report as the context of the talks: one row per event."""

    incident_id: str = _id("Readable identifier (`2024-12-11-khalil-haqqani-killed`).")
    kind: str = _enum(vocab.INCIDENT_KINDS, "What happened.")
    date: str | None = _date(
        "Reduced ISO date or interval (`..` for an open end); null where no source dates it.", pattern=DATE_OR_INTERVAL
    )
    date_earliest: pl.Date | None = Field(nullable=True, description="First day `date` allows; null if open.")
    date_latest: pl.Date | None = Field(nullable=True, description="Last day `date` allows; null if open.")
    date_precision: str | None = _enum(vocab.PRECISIONS, "`day`, `month`, `year` or `interval`.", nullable=True)
    date_basis: str | None = _enum(
        vocab.BASES, "`stated`, `inferred` or `public-record` (see the note).", nullable=True
    )
    date_inferred: bool = Field(description="True where the date is an inference (see the note).")
    date_inferred_part: str | None = _part("date")
    date_note: str | None = _text("How the date was established.", nullable=True)
    city: str | None = _text("City or district, where printed.", nullable=True)
    country: str | None = Field(nullable=True, str_matches=ISO3, description="Country, ISO 3166-1 alpha-3.")
    place_basis: str | None = _enum(
        vocab.BASES, "`stated` or `inferred` (see `place_note`); null without a place.", nullable=True
    )
    place_note: str | None = _text("How the place was established.", nullable=True)
    description: str = _text("One sentence describing the event, without weighing who was responsible.")
    note: str | None = _text("Curator's remark.", nullable=True)
    source_count: int = Field(ge=1, description="How many articles report it (see `incident_sources`).")

    class Config:
        metadata = {"primary_key": ["incident_id"], "foreign_keys": []}

    _bounds = _ordered("date_earliest", "date_latest")
    _date_calendar = _calendar("date")
    _date_within = _within("date", "date_earliest", "date_latest")
    _date_part = _inferred_part("date_inferred", "date_inferred_part")
    _date_open = _open_part("date", "date_inferred_part")

    @pa.dataframe_check
    def place_has_a_basis(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """A city or country says whether it is printed or inferred; no basis without a place."""
        placed = pl.col("city").is_not_null() | pl.col("country").is_not_null()
        return data.lazyframe.select((placed == pl.col("place_basis").is_not_null()).alias("ok"))


class IncidentSources(Table):
    """Each article's report of an incident, with the date that article gives."""

    incident_id: str = _ref("The incident.")
    article_id: str = _ref("The article reporting it.", pattern=ARTICLE_ID)
    reported_date: str | None = _date("The date this article gives or implies; null if none.", pattern=DATE_OR_INTERVAL)
    reported_date_basis: str | None = _enum(
        vocab.BASES, "`stated`, `inferred` or `public-record`; null without a date.", nullable=True
    )
    reported_date_inferred: bool | None = Field(nullable=True, description="True where the reported date is inferred.")
    reported_date_inferred_part: str | None = _part("reported_date")
    reported_date_note: str | None = _text("How the article's date was read.", nullable=True)

    class Config:
        metadata = {
            "primary_key": ["incident_id", "article_id"],
            "foreign_keys": [("incident_id", "incidents", "incident_id"), ("article_id", "articles", "article_id")],
        }

    _reported_calendar = _calendar("reported_date")
    _reported_part = _inferred_part("reported_date_inferred", "reported_date_inferred_part")
    _reported_open = _open_part("reported_date", "reported_date_inferred_part")


class IncidentActors(Table):
    """Who an article ties to an incident, as it names them and as it ties them (never resolved across articles)."""

    incident_id: str = _ref("The incident.")
    article_id: str = _ref("The article.", pattern=ARTICLE_ID)
    actor_text: str = _text("The actor as the article names it, verbatim: `article_text[char_start:char_end]`.")
    char_start: int = _offset("Code-point offset of the actor's name.")
    char_end: int = _offset("Code-point offset just after it.")
    organization_id: str | None = _ref(
        "The organization, where the actor is one (`iskp`); null otherwise.", nullable=True
    )
    responsibility: str = _enum(
        vocab.RESPONSIBILITIES,
        "`stated` as fact by the article, `attributed` by it to a source, `claimed` by the actor, `alleged` by another "
        "party. Never resolved across articles.",
    )
    note: str | None = _text("Curator's remark: whose word it is.", nullable=True)

    class Config:
        metadata = {
            "primary_key": ["incident_id", "article_id", "char_start"],
            "foreign_keys": [
                ("incident_id", "incidents", "incident_id"),
                ("article_id", "articles", "article_id"),
                ("organization_id", "organizations", "organization_id"),
            ],
        }

    _span = _ordered("char_start", "char_end")


class IncidentLinks(Table):
    """Meetings and statements an article ties to an incident (`postponed by`, `refers to`, `reports`, `amid`)."""

    incident_id: str = _ref("The incident.")
    article_id: str = _ref("The article that makes the link.", pattern=ARTICLE_ID)
    record_table: str = _enum(("meetings", "statements"), "The table of the linked record.")
    record_id: str = Field(str_length={"min_value": 1}, description="The linked record's primary key.")
    relation: str = _enum(vocab.INCIDENT_RELATIONS, "How the record relates to the incident, as the article says.")

    class Config:
        metadata = {
            "primary_key": ["incident_id", "article_id", "record_table", "record_id"],
            "foreign_keys": [("incident_id", "incidents", "incident_id"), ("article_id", "articles", "article_id")],
        }


class Utterances(Table):
    """Words reported by several articles: statements sharing an utterance are one utterance."""

    utterance_id: str = _id("Readable identifier.")
    note: str | None = _text("Why the statements were linked.", nullable=True)

    class Config:
        metadata = {"primary_key": ["utterance_id"], "foreign_keys": []}


class Statements(Table):
    """Direct quotes and reported speech, each an occurrence in one article, attributed as that article does."""

    statement_id: str = _id("Identifier: `<article prefix>-<slug>`.")
    article_id: str = _ref("The article.", pattern=ARTICLE_ID)
    attribution_kind: str = _enum(
        vocab.ATTRIBUTION_KINDS,
        "`person` (`speaker_id`), `organization` (`speaker_organization_id`), `joint` (both sides of `meeting_id`), "
        "`unattributed` (the article names no speaker, or only a collective that is no one organization, such as "
        "`Western countries`, kept in `attribution_text`: never invented), or `characterization` (the article's own "
        "description of what a source said or left out, not its words; the source is in `reported_via_*`).",
    )
    speaker_id: str | None = _ref("The person the article names as speaker.", nullable=True)
    speaker_organization_id: str | None = _ref("The organization speaking, where no person is named.", nullable=True)
    attribution_text: str | None = _text(
        "The article's words attributing the statement (who said it), verbatim; how the article got the words "
        "is in `reported_via_text`.",
        nullable=True,
    )
    attribution_basis: str = _enum(
        vocab.BASES, "`stated`: the article names the speaker for these words; `inferred`: see `attribution_note`."
    )
    attribution_note: str | None = _text(
        "Why the words are given to this speaker, where it is inferred.", nullable=True
    )
    text: str = _text("The source's words, verbatim: `article_text[char_start:char_end]`.")
    char_start: int = _offset("Code-point offset of the first character of `text`.")
    char_end: int = _offset("Code-point offset just after the last character of `text`.")
    context_text: str = _text(
        "The reported clause the words sit in, verbatim, for a partial quotation (`his mission was to “bolster” "
        "bilateral … relations`); `text` itself where no wider clause is curated. It contains `text`."
    )
    context_start: int = _offset("Code-point offset where the context starts.")
    context_end: int = _offset("Code-point offset just after the context.")
    mode: str = _enum(
        vocab.STATEMENT_MODES, "`direct`: quoted in full; `partial`: a quoted fragment; `indirect`: reported speech."
    )
    content_kind: str = _enum(
        vocab.CONTENT_KINDS,
        "`speech`: words said or written, quoted or reported; `position`: a decision, refusal or stance the article "
        "reports with no words of its holder (`has decided to`, `have refused to`), kept so the stance is on record "
        "but not to be counted as anyone's words: its speaker (`speaker_id`, `speaker_organization_id`) is whose "
        "position it is. To count what someone said, keep `speech`.",
    )
    setting: str | None = _enum(
        vocab.SETTINGS,
        "Where the words were said: at a `meeting` (`meeting_id`), in an `X post`, at a `press briefing`, in a "
        "`written statement`; null where the article does not say.",
        nullable=True,
    )
    setting_basis: str | None = _enum(
        vocab.BASES,
        "How `setting` is known: `stated` (the article says where the words were said) or `inferred` (see "
        "`setting_note`); words at a meeting take their link's `meeting_basis`; null without a setting.",
        nullable=True,
    )
    setting_note: str | None = _text(
        "Why the words are placed in that setting, where it is inferred (at a meeting: see `meeting_note`).",
        nullable=True,
    )
    reported_via: str | None = _enum(
        vocab.REPORTED_VIA,
        "How this article got the words: an `official statement` (readout) of `reported_via_organization_id`, "
        "the `X post` itself, a `press briefing`; null where the article does not say.",
        nullable=True,
    )
    reported_via_organization_id: str | None = _ref(
        "Whose statement or readout carried the words (the ministry, the office).", nullable=True
    )
    reported_via_text: str | None = _text(
        "The article's words naming how it got them (`According to a statement from the Taliban Ministry of "
        "Interior`).",
        nullable=True,
    )
    reported_via_basis: str | None = _enum(
        vocab.BASES,
        "How `reported_via` and its organization are known: `stated` in the words' own sentence, or `inferred` "
        "(carried over from a neighbouring sentence: see `reported_via_note`); null without a `reported_via`.",
        nullable=True,
    )
    reported_via_note: str | None = _text("Why the channel is read so, where it is inferred.", nullable=True)
    meeting_id: str | None = _ref("The meeting at which the words were said (`setting` is `meeting`).", nullable=True)
    about_meeting_id: str | None = _ref(
        "The meeting the words are about, where they were not said at it (a readout, a post, a briefing).",
        nullable=True,
    )
    meeting_basis: str | None = _enum(
        vocab.BASES,
        "How the link to `meeting_id` or `about_meeting_id` is known: `stated` (the article ties the words to "
        "the meeting) or `inferred` (see `meeting_note`); null without a link.",
        nullable=True,
    )
    meeting_note: str | None = _text("Why the words are linked to the meeting, where it is inferred.", nullable=True)
    date: str | None = _date(
        "When the words were said or posted, reduced ISO or interval; null where nothing dates them (no "
        "occasion is given: the words were said by the article's publication, `articles.published_latest`, "
        "and no later bound is invented; words merely about a meeting are not dated by it, unless they report it as "
        "past, as a post saying the talks were held, which then falls between them and the publication). Each "
        "article's own reading: words placed in a meeting take the bounds that article allows, which may be "
        "wider than the meeting's `date` (reconciled over all its reports); where the article gives the "
        "meeting no date, the meeting's bounds, flagged inferred.",
        pattern=DATE_OR_INTERVAL,
    )
    date_earliest: pl.Date | None = Field(nullable=True, description="First day `date` allows.")
    date_latest: pl.Date | None = Field(nullable=True, description="Last day `date` allows.")
    date_precision: str | None = _enum(vocab.PRECISIONS, "`day`, `month`, `year` or `interval`.", nullable=True)
    date_inferred: bool | None = Field(nullable=True, description="True where the date is an inference (see the note).")
    date_inferred_part: str | None = _part("date")
    date_note: str | None = _text("How the date was read (`today` in a post of 25 December 2024).", nullable=True)
    utterance_id: str | None = _ref("Shared by the same words reported in several articles.", nullable=True)
    note: str | None = _text("Curator's remark.", nullable=True)

    class Config:
        metadata = {
            "primary_key": ["statement_id"],
            "foreign_keys": [
                ("article_id", "articles", "article_id"),
                ("speaker_id", "persons", "person_id"),
                ("speaker_organization_id", "organizations", "organization_id"),
                ("meeting_id", "meetings", "meeting_id"),
                ("about_meeting_id", "meetings", "meeting_id"),
                ("reported_via_organization_id", "organizations", "organization_id"),
                ("utterance_id", "utterances", "utterance_id"),
            ],
        }

    _span = _ordered("char_start", "char_end")

    @pa.dataframe_check
    def context_contains_the_words(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """The context's span contains the span of `text`."""
        inside = (pl.col("context_start") <= pl.col("char_start")) & (pl.col("char_end") <= pl.col("context_end"))
        return data.lazyframe.select(inside.alias("ok"))

    @pa.dataframe_check
    def said_at_a_meeting_or_elsewhere(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`setting` is `meeting` exactly where there is a `meeting_id`; never with `about_meeting_id`."""
        at = pl.col("meeting_id").is_not_null()
        ok = (pl.col("setting").eq_missing("meeting") == at) & (pl.col("about_meeting_id").is_null() | ~at)
        return data.lazyframe.select(ok.alias("ok"))

    @pa.dataframe_check
    def a_meeting_link_says_how_it_is_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`meeting_basis` is set exactly where a meeting is linked; an inferred link has a note."""
        linked = pl.col("meeting_id").is_not_null() | pl.col("about_meeting_id").is_not_null()
        ok = _said_how_known(linked, "meeting_basis", pl.col("meeting_note").is_not_null())
        return data.lazyframe.select(ok.alias("ok"))

    @pa.dataframe_check
    def a_setting_says_how_it_is_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`setting_basis` is set exactly where there is a `setting`; an inferred setting has a note (words
        placed at a meeting by an inferred link: the link's `meeting_note`)."""
        noted = pl.col("setting_note").is_not_null() | (
            pl.col("setting").eq_missing("meeting") & pl.col("meeting_note").is_not_null()
        )
        ok = _said_how_known(pl.col("setting").is_not_null(), "setting_basis", noted)
        return data.lazyframe.select(ok.alias("ok"))

    @pa.dataframe_check
    def a_channel_says_how_it_is_known(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`reported_via_basis` is set exactly where there is a `reported_via`; an inferred one has a note."""
        noted = pl.col("reported_via_note").is_not_null()
        ok = _said_how_known(pl.col("reported_via").is_not_null(), "reported_via_basis", noted)
        return data.lazyframe.select(ok.alias("ok"))

    @pa.dataframe_check
    def reported_via_an_organization_only_by_its_statement(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`reported_via_organization_id` and `reported_via_text` only with a `reported_via`."""
        via = pl.col("reported_via").is_not_null()
        org = pl.col("reported_via_organization_id").is_not_null()
        words = pl.col("reported_via_text").is_not_null()
        return data.lazyframe.select((via | (~org & ~words)).alias("ok"))

    _date_calendar = _calendar("date")
    _date_within = _within("date", "date_earliest", "date_latest")
    _date_part = _inferred_part("date_inferred", "date_inferred_part")
    _date_open = _open_part("date", "date_inferred_part")

    @pa.dataframe_check
    def attributed_as_its_kind_says(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """`person` has a speaker; `organization` an organization and no person; `joint` a meeting and neither;
        `unattributed` neither speaker nor organization."""
        person, org, meeting = (
            pl.col(c).is_not_null() for c in ("speaker_id", "speaker_organization_id", "meeting_id")
        )
        kind = pl.col("attribution_kind")
        ok = (
            pl.when(kind == "person")
            .then(person)
            .when(kind == "organization")
            .then(org & ~person)
            .when(kind == "joint")
            .then(meeting & ~person & ~org)
            .otherwise(~person & ~org)
        )
        return data.lazyframe.select(ok.alias("ok"))


class StatementSpeakers(Table):
    """Every voice of a statement: its speaker, each named party to joint words, and whom it was spoken for."""

    statement_id: str = _ref("The statement.")
    capacity: str = _enum(
        vocab.SPEAKER_CAPACITIES,
        "`speaker` (as attributed: who said the words, or whose decision or stance a `position` is), "
        "`joint` (a named participant of the meeting whose sides spoke together), "
        "`on behalf of` (whom the speaker spoke for, as the article says).",
    )
    person_id: str | None = _ref("The person, or null for an organization or someone unnamed.", nullable=True)
    organization_id: str | None = _ref("The organization, or null for a person or someone unnamed.", nullable=True)
    unnamed: str | None = _text(
        "The article's words for someone it does not name (`his aide`), from the statement's text; null for a "
        "person or an organization.",
        nullable=True,
    )
    speaker_key: str = Field(
        str_matches=r"^(person|organization|unnamed):\S+$",
        description="`person:<id>`, `organization:<id>` or `unnamed:<the words, lower case, hyphened>`: the key part.",
    )

    class Config:
        metadata = {
            "primary_key": ["statement_id", "capacity", "speaker_key"],
            "foreign_keys": [
                ("statement_id", "statements", "statement_id"),
                ("person_id", "persons", "person_id"),
                ("organization_id", "organizations", "organization_id"),
            ],
        }

    @pa.dataframe_check
    def a_person_or_an_organization(cls, data: pa.PolarsData) -> pl.LazyFrame:
        """Exactly one of `person_id`, `organization_id` and `unnamed`; only whom words were spoken for is unnamed."""
        given = sum(pl.col(c).is_not_null().cast(pl.Int8) for c in ("person_id", "organization_id", "unnamed"))
        ok = (given == 1) & (pl.col("unnamed").is_null() | (pl.col("capacity") == "on behalf of"))
        return data.lazyframe.select(ok.alias("ok"))


class Evidence(Table):
    """The words that support a record: the provenance of every row."""

    record_table: str = _enum(vocab.EVIDENCED_TABLES, "The table of the supported record.")
    record_id: str = Field(str_length={"min_value": 1}, description="The supported record's primary key.")
    article_id: str = _ref("The article.", pattern=ARTICLE_ID)
    char_start: int = _offset("Code-point offset of the first character of `text`.")
    char_end: int = _offset("Code-point offset just after the last character.")
    text: str = _text("The article's words: `article_text[char_start:char_end]`.")

    class Config:
        metadata = {
            "primary_key": ["record_table", "record_id", "article_id", "char_start", "char_end"],
            "foreign_keys": [("article_id", "articles", "article_id")],
        }

    _span = _ordered("char_start", "char_end")


class Conflicts(Table):
    """Where sources disagree. Both sides are kept; `conflict_records` links every record concerned."""

    conflict_id: str = _id("Readable identifier.")
    kind: str = _enum(vocab.CONFLICT_KINDS, "What the sources disagree on.")
    description: str = _text("What each source says: the sources' own claims, nothing weighed.")
    assessment: str | None = _text(
        "The curator's reading where the sources allow one (which side more sources, or the issuing body, "
        "support), kept apart from `description`; null where none is made. Both sides stay in the data.",
        nullable=True,
    )

    class Config:
        metadata = {"primary_key": ["conflict_id"], "foreign_keys": []}


class ConflictRecords(Table):
    """The records a conflict concerns."""

    conflict_id: str = _ref("The conflict.")
    record_table: str = _enum(vocab.CONFLICT_TABLES, "The table of the record.")
    record_id: str = Field(str_length={"min_value": 1}, description="The record's primary key.")

    class Config:
        metadata = {
            "primary_key": ["conflict_id", "record_table", "record_id"],
            "foreign_keys": [("conflict_id", "conflicts", "conflict_id")],
        }
