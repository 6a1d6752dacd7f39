"""Publishing to an S3 bucket, or anything that speaks the S3 API (R2, MinIO) via ``endpoint_url``.

boto3 is an optional dependency, imported only when a publish happens.  Credentials come only
from boto3's usual chain (environment, ``~/.aws``, instance role): site.yaml is usually
committed, so keys written there would leak.

A bucket is often shared (a CNAME-like file, another team's downloads, a second site under
another prefix), so Byline replaces and deletes only the objects it uploaded.  It knows them
from a record object it keeps under the prefix (``PUBLISHED_RECORD``, the site's files as of
its last publish); a bucket last published by a release that kept no record (or whose record
was deleted) is read from the objects themselves: every object Byline ever uploaded carries
its ``byline-md5`` metadata, and now the uploading site's mark (``byline-site``), looked at
(one request each) only for those the site has a file at, or a publish would delete.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, replace
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from generator.errors import PublishError
from generator.mediatypes import content_type
from generator.ownership import (
    PUBLISHED_RECORD,
    another_site,
    describe_files,
    same_site,
    same_site_mark,
    site_mark,
)
from generator.publish.media import cache_control_for
from generator.publish.sync import (
    SiteFile,
    StoredFile,
    SyncPlan,
    plan_sync,
    scan_site,
)
from generator.publish.target import PublishSummary, TargetSpec, require_built_site
from generator.slugs import link_problem, quoted, site_path_problem

_SETTINGS = ("bucket", "prefix", "region", "endpoint_url", "profile")
_CREDENTIAL_WORDS = ("access_key", "secret", "session_token", "key_id", "password", "token")
# The MD5 we computed is stored with each object, because the ETag is not an MD5 for multipart
# uploads or under SSE-KMS encryption.
_MD5_METADATA = "byline-md5"
# Which site uploaded an object (``ownership.site_mark``), for when the record is gone.
_SITE_METADATA = "byline-site"
_PLAIN_MD5 = re.compile(r"[0-9a-f]{32}")
_DELETE_BATCH = 1000  # the most one DeleteObjects request accepts
# S3's naming rules (older buckets may also have capitals and underscores); never a leading "-".
_BUCKET = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,253}[A-Za-z0-9])?")
_REGION = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def from_spec(name: str, spec: Mapping[str, Any], site_root: Path,
              site: str = "") -> S3Target:
    """An S3 target from its site.yaml settings."""
    settings = TargetSpec(name, "s3", spec)
    credentials = sorted(
        str(key) for key in spec if any(word in str(key).lower() for word in _CREDENTIAL_WORDS)
    )
    if credentials:
        settings.fail(
            f"{', '.join(credentials)} must not be in site.yaml (it is usually committed): "
            "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment, "
            "or name an AWS profile with AWS_PROFILE or `profile:`", credentials[0])
    settings.allow_only([*_SETTINGS, *credentials])  # said above, not again as unknown
    bucket = settings.required_text("bucket")
    if bucket and (not _BUCKET.fullmatch(bucket) or ".." in bucket):
        settings.fail(f"`bucket` {quoted(bucket)} is not a bucket name: lower-case letters, "
                      "digits, dots and hyphens, e.g. news-example-site", "bucket")
    prefix = settings.text("prefix", "") or ""
    if prefix.strip("/") and (problem := site_path_problem("/" + prefix.strip("/"))):
        settings.fail(f"`prefix` {quoted(prefix)} {problem}: write a folder such as news/",
                      "prefix")
    region = settings.text("region")
    if region is not None and not _REGION.fullmatch(region):
        settings.fail(f"`region` {quoted(region)} is not a region name such as eu-west-1",
                      "region")
    endpoint_url = settings.text("endpoint_url")
    if endpoint_url is not None and (
            urlsplit(endpoint_url).scheme not in ("http", "https") or link_problem(endpoint_url)):
        settings.fail(f"`endpoint_url` {quoted(endpoint_url)} is not a web address such as "
                      "https://<account>.r2.cloudflarestorage.com", "endpoint_url")
    profile = settings.text("profile")
    if profile is not None and (profile.startswith("-") or not profile.isprintable()):
        settings.fail(f"`profile` {quoted(profile)} is not an AWS profile name", "profile")
    settings.finish()
    return S3Target(
        name=name,
        bucket=bucket,
        prefix=normalize_prefix(prefix),
        region=region,
        endpoint_url=endpoint_url,
        profile=profile,
        site=site,
    )


def normalize_prefix(prefix: str) -> str:
    """A key prefix as S3 needs it: no leading slash, one trailing slash, or empty."""
    stripped = prefix.strip("/")
    return f"{stripped}/" if stripped else ""


@dataclass(frozen=True, slots=True)
class S3Target:
    """Keeps the objects under ``prefix`` in ``bucket`` that Byline uploaded identical to the
    built site; others' objects are kept."""

    name: str
    bucket: str
    prefix: str = ""
    region: str | None = None
    endpoint_url: str | None = None
    profile: str | None = None
    site: str = ""  # the site publishing there (see ``ownership.site_identity``)

    @property
    def description(self) -> str:
        """The target's name and where it points, for messages."""
        return f"{self.name} (s3://{self.bucket}/{self.prefix})"

    def publish(self, site_dir: Path, *, dry_run: bool, force: bool = False,
                versions: Mapping[str, str] | None = None,
                take_over: bool = False, wait: float = 600.0) -> PublishSummary:
        """Upload changed files (pages last), then delete the objects Byline uploaded that
        are no longer in the site.  An object Byline did not upload is never replaced nor
        deleted; a prefix holding only such objects is refused unless ``force``."""
        folder = require_built_site(site_dir)
        boto3 = _import_boto3()
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            session = boto3.session.Session(profile_name=self.profile)
            client = session.client("s3", region_name=self.region, endpoint_url=self.endpoint_url)
            scanned = scan_site(folder)
            site = scanned.files
            for key in site:
                # A key is a path in the bucket: one that climbs or holds a line break could
                # land outside the prefix on a server that tidies paths.
                if problem := site_path_problem("/" + key, spaces=True):
                    raise PublishError(f"deploy target '{self.name}': the file {quoted(key)} "
                                       f"{problem}: rename it before publishing")
            stored = stored_files(client, self.bucket, self.prefix, site)
            record = read_record(client, self.bucket, self.prefix)
            if record is not None and not same_site(record.site, self.site) and not take_over:
                raise PublishError(another_site(f"deploy target '{self.name}':",
                                                f"s3://{self.bucket}/{self.prefix}",
                                                record.site, self.site))
            plan, kept = self._own_part(client, plan_sync(site, stored), site.keys(), stored,
                                        record.files if record else None, force, take_over)
            if not dry_run:
                self._carry_out(client, plan, site.keys(), record)
        except (BotoCoreError, ClientError) as error:
            raise PublishError(f"deploy target '{self.name}': {_explain(error, self)}") from error
        summary = plan.summary(self.description, dry_run=dry_run)
        return replace(summary, details=(*summary.details, *_kept_lines(kept)),
                       hand_placed=scanned.hand_placed)

    def _own_part(self, client: Any, plan: SyncPlan, arriving: Set[str],
                  stored: Mapping[str, StoredFile], record: Set[str] | None, force: bool,
                  take_over: bool) -> tuple[SyncPlan, list[str]]:
        """``plan`` with only the deletions of Byline's objects (those in ``record``, else
        those marked as its own), and the others' objects it keeps; refused when an object
        Byline did not upload stands where the site (``arriving``) has a file, even one
        with the same bytes (listed as Byline's, a later publish would delete it), or when
        the prefix holds only such objects (unless ``force``)."""
        # Another site's objects, under a prefix below this one with its own record, are
        # neither deleted nor listed as kept: they are that site's to publish.
        nested = tuple(key.removesuffix(PUBLISHED_RECORD) for key in stored
                       if key.endswith("/" + PUBLISHED_RECORD))
        candidates = [key for key in plan.deletions if not key.startswith(nested)]
        replaced = sorted(key for key in arriving if key in stored)
        looked_at = [*replaced, *candidates]
        if record is not None:
            mine = {key for key in looked_at if key in record}
            # Where the site has a file: one this site uploaded, left out of the record by a
            # publish beside this one (its object says whose it is), is still its own.
            ours = site_mark(self.site)
            mine |= {key for key in replaced if key not in mine and ours
                     and (mark := self._uploader(client, key)) and same_site_mark(mark, ours)}
        else:  # last published by a release that kept no record, or never by Byline
            # A site published at a shallower prefix lists its own (its record has them).
            outer = self._outer_sites_files(client)
            looked_at = [key for key in looked_at if key not in outer]
            # One object the site has too tells whose they are when nothing else does.
            probe = next((key for key in sorted(stored) if key not in looked_at
                          and key not in outer and not key.startswith(nested)), None)
            uploaders = {key: self._uploader(client, key) for key in looked_at
                         if not key.startswith(nested)}
            if looked_at and not any(mark is not None for mark in uploaders.values()) \
                    and probe is not None:
                uploaders[probe] = self._uploader(client, probe)
            self._refuse_another_sites(uploaders, take_over)
            mine = {key for key, mark in uploaders.items() if mark is not None}
            if looked_at and not mine and not force:
                raise PublishError(
                    f"deploy target '{self.name}': s3://{self.bucket}/{self.prefix} already "
                    f"holds objects Byline did not upload ({describe_files(sorted(looked_at))}): "
                    "give the site a bucket or `prefix` of its own, or add --force to publish "
                    "there anyway (the objects are then kept)")
        foreign = sorted(key for key in replaced if key not in mine)
        if foreign:
            were, them = ("was", "it") if len(foreign) == 1 else ("were", "them")
            raise PublishError(
                f"deploy target '{self.name}': {describe_files(foreign)} {were} not uploaded "
                f"by Byline, and the site has a file there: move {them} out of "
                f"s3://{self.bucket}/{self.prefix}, then publish again")
        kept = sorted(key for key in candidates if key not in mine)
        deletions = tuple(key for key in candidates if key in mine)
        return SyncPlan(plan.uploads, deletions, plan.unchanged), kept

    def _outer_sites_files(self, client: Any) -> set[str]:
        """The keys below this prefix that a site published at a shallower one lists as its
        own, relative to this prefix."""
        parts = self.prefix.split("/")[:-1]
        found: set[str] = set()
        for depth in range(len(parts)):
            outer = "".join(f"{part}/" for part in parts[:depth])
            record = read_record(client, self.bucket, outer)
            if record is not None:
                inside = self.prefix[len(outer):]
                found.update(key[len(inside):] for key in record.files if key.startswith(inside))
        return found

    def _uploader(self, client: Any, key: str) -> str | None:
        """Whose upload the object is: None if not Byline's, else the site's mark it carries
        ("" for an object of a release that marked none; see ``ownership.site_mark``)."""
        metadata = _metadata(client, self.bucket, self.prefix + key)
        return metadata.get(_SITE_METADATA, "") if _MD5_METADATA in metadata else None

    def _refuse_another_sites(self, uploaders: Mapping[str, str | None],
                              take_over: bool) -> None:
        """With no record to say whose objects they are (deleted by hand, or a release
        before records), those another site uploaded are that site's (unless ``take_over``),
        as its record would have said."""
        ours = site_mark(self.site)
        theirs = sorted(key for key, mark in uploaders.items()
                        if mark and ours and not same_site_mark(mark, ours))
        if theirs and not take_over:
            raise PublishError(
                f"deploy target '{self.name}': s3://{self.bucket}/{self.prefix} holds objects "
                f"another site published ({describe_files(theirs)}), and its record of them "
                f"({PUBLISHED_RECORD}) is gone: give each site a bucket or `prefix` of its own, "
                "or, if this site published them before, add --take-over to make them this "
                "site's (those it does not have are then deleted)")

    def _carry_out(self, client: Any, plan: SyncPlan, site: Set[str],
                   record: Record | None) -> None:
        """Upload, then delete; the record lists what is Byline's at every moment between,
        so a publish cut short is finished (and its deletions made) by the next.  The
        record (a megabyte at 100,000 stories) is sent only when what it says changes: the
        files, or the site's identity (another checkout, a new address)."""
        during = set(site) | set(plan.deletions)
        said = record
        if said is None or not during <= said.files:
            said = Record(self.site, during | self._added_since(client, record, plan))
            write_record(client, self.bucket, self.prefix, said)
        mark = site_mark(self.site)
        for file in plan.uploads:
            put_file(client, self.bucket, self.prefix + file.key, file, mark)
        delete_keys(client, self.bucket, [self.prefix + key for key in plan.deletions])
        after = set(site) | self._added_since(client, record, plan)
        if said.files != after or said.site != self.site:
            write_record(client, self.bucket, self.prefix, Record(self.site, after))

    def _added_since(self, client: Any, record: Record | None, plan: SyncPlan) -> set[str]:
        """What another publish of the site (a second checkout, a cron job beside an editor)
        listed as Byline's since ``record`` was read: kept in the record written over its
        own, or its new story would be no one's from then on, refused as not Byline's and
        never deleted."""
        now = read_record(client, self.bucket, self.prefix)
        if now is None or (record is not None and now.files == record.files):
            return set()
        return now.files - (record.files if record else set()) - set(plan.deletions)


@dataclass(frozen=True, slots=True)
class Record:
    """What the record object under a prefix says: whose site (``site_identity``, "" when
    not known) and which keys below the prefix are Byline's."""

    site: str
    files: set[str]


def _kept_lines(kept: list[str]) -> list[str]:
    """The dry run's lines for others' objects: each, or one line for a crowd of them."""
    if len(kept) <= 20:
        return [f"keep {key} (not uploaded by Byline)" for key in kept]
    return [f"keep {len(kept)} objects not uploaded by Byline ({describe_files(kept)})"]


def read_record(client: Any, bucket: str, prefix: str) -> Record | None:
    """The record under ``prefix``; None when there is none, or none that reads back (then
    the objects' metadata tells whose they are, as without one)."""
    from botocore.exceptions import ClientError

    try:
        body = client.get_object(Bucket=bucket, Key=prefix + PUBLISHED_RECORD)["Body"].read()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
            return None
        raise
    try:
        data = json.loads(gzip.decompress(body))
        files, site = data["files"], data.get("site", "")
        if (isinstance(files, list) and all(isinstance(key, str) for key in files)
                and isinstance(site, str)):
            return Record(site, set(files))
    except (ValueError, OSError, EOFError, KeyError, TypeError):
        pass
    return None


def write_record(client: Any, bucket: str, prefix: str, record: Record) -> None:
    """Leave ``record`` under ``prefix``."""
    data = {"byline": 1, "site": record.site, "files": sorted(record.files)}
    body = gzip.compress(json.dumps(data).encode(), mtime=0)
    client.put_object(Bucket=bucket, Key=prefix + PUBLISHED_RECORD, Body=body,
                      ContentType="application/gzip", CacheControl="no-store")


def stored_files(
    client: Any, bucket: str, prefix: str, site: Mapping[str, SiteFile]
) -> dict[str, StoredFile]:
    """What the bucket holds under ``prefix``, keyed like site files, with MD5s where known."""
    stored: dict[str, StoredFile] = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for entry in page.get("Contents", ()):
            key = entry["Key"][len(prefix) :]
            if not key or key.endswith("/") or key == PUBLISHED_RECORD:
                continue  # a console-made "folder" marker, or Byline's record: no site file
            size = entry["Size"]
            etag = entry.get("ETag", "").strip('"')
            md5 = etag if _PLAIN_MD5.fullmatch(etag) else None
            local = site.get(key)
            # Only ask for the stored MD5 when the ETag disagrees on a same-sized file: one
            # extra request for a real change, but it spares re-uploading multipart objects.
            if local is not None and md5 != local.md5 and size == local.size:
                md5 = _metadata_md5(client, bucket, entry["Key"]) or md5
            stored[key] = StoredFile(key, size, md5)
    return stored


def put_file(client: Any, bucket: str, key: str, file: SiteFile, site: str = "") -> None:
    """Upload one site file with its type and caching rule, marked as Byline's and as the
    site's (``site``: ``ownership.site_mark``); S3 checks the MD5 on arrival."""
    with file.path.open("rb") as body:
        client.put_object(
            Bucket=bucket,
            Key=key,
            Body=body,
            ContentType=content_type(file.key),
            CacheControl=cache_control_for(file.key),
            ContentMD5=base64.b64encode(bytes.fromhex(file.md5)).decode("ascii"),
            Metadata={_MD5_METADATA: file.md5, **({_SITE_METADATA: site} if site else {})},
        )


def delete_keys(client: Any, bucket: str, keys: Sequence[str]) -> None:
    """Delete objects in batches, keeping the given order; any refusal stops the publish."""
    for start in range(0, len(keys), _DELETE_BATCH):
        batch = keys[start : start + _DELETE_BATCH]
        response = client.delete_objects(
            Bucket=bucket, Delete={"Objects": [{"Key": key} for key in batch], "Quiet": True}
        )
        if errors := response.get("Errors"):
            first = errors[0]
            raise PublishError(
                f"could not delete {len(errors)} objects from {bucket}, "
                f"first {first.get('Key')}: {first.get('Message', first.get('Code'))}"
            )


def _metadata_md5(client: Any, bucket: str, key: str) -> str | None:
    return _metadata(client, bucket, key).get(_MD5_METADATA)


def _metadata(client: Any, bucket: str, key: str) -> dict[str, str]:
    """The metadata Byline uploaded an object with (one request)."""
    metadata = client.head_object(Bucket=bucket, Key=key).get("Metadata", {})
    return metadata if isinstance(metadata, dict) else {}


def _import_boto3() -> ModuleType:
    try:
        import boto3
    except ImportError as error:
        raise PublishError("publishing to S3 needs `pip install byline[s3]`") from error
    return boto3


def _explain(error: Exception, target: S3Target) -> str:
    """Turn a botocore error into one line a writer can act on."""
    code = getattr(error, "response", {}).get("Error", {}).get("Code", "")
    if type(error).__name__ in ("NoCredentialsError", "PartialCredentialsError"):
        return (
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            "(or AWS_PROFILE) in the environment"
        )
    if code == "NoSuchBucket":
        return f"bucket {target.bucket} does not exist"
    if code in ("AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
        return f"access to bucket {target.bucket} refused ({code}): check the credentials"
    return str(error)
