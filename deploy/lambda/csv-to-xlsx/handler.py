"""CSV to XLSX Lambda: converts each CSV that lands under the input prefix into a workbook.

Rendered by `pipeline run render` from templates/deploy; edit the template, not this file.

Aurora writes the CSV with aws_s3.query_export_to_s3; S3 invokes this function for every object
created under INPUT_PREFIX whose key ends in `.csv`; the workbook is written under
OUTPUT_PREFIX with the same relative name and the suffix `.xlsx`.

- Memory stays flat whatever the file size: the CSV is streamed from S3 and the workbook is
  written with openpyxl's write-only mode to a temporary file, then uploaded.
- Keys arrive URL-encoded in S3 events (a space as `+`); they are decoded before use.
- UTF-8 with or without a byte-order mark. Numbers become numeric cells, except values whose
  text a number would change: leading zeros (`007`) and integers of more than 15 digits stay
  text, as Excel keeps only 15 significant digits.
- A malformed CSV fails the invocation with the file and line in the message; nothing is
  written for it.
- It never converts its own output: keys outside the input filter are skipped, the two
  prefixes must not overlap, and objects it wrote carry metadata that it refuses to convert.

Environment: INPUT_PREFIX, OUTPUT_PREFIX, DELETE_SOURCE ("true" deletes the CSV once its
workbook is written). The defaults are the manifest's values.
"""

import csv
import io
import json
import os
import re
import tempfile
from urllib.parse import unquote_plus

import boto3
from openpyxl import Workbook

INPUT_PREFIX = os.environ.get("INPUT_PREFIX", "csv/")
OUTPUT_PREFIX = os.environ.get("OUTPUT_PREFIX", "xlsx/")
DELETE_SOURCE = (
    os.environ.get("DELETE_SOURCE", "false").lower() == "true"
)

# Metadata put on every workbook this function writes; an object carrying it is never converted.
GENERATED_BY = "csv-to-xlsx"
MAX_ROWS = 1_048_576
MAX_CELL_CHARS = 32_767
INTEGER = re.compile(r"-?(0|[1-9][0-9]{0,14})")
DECIMAL = re.compile(r"-?(0|[1-9][0-9]*)\.[0-9]+")
# Characters the XLSX format cannot hold (XML 1.0 forbids them).
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


class ConversionError(Exception):
    """A CSV that cannot become a workbook; the message names the key and the line."""


def handler(event, context):
    check_prefixes(INPUT_PREFIX, OUTPUT_PREFIX)
    s3 = boto3.client("s3")
    converted, skipped = [], []
    for record in event.get("Records", []):
        bucket = record["s3"]["bucket"]["name"]
        key = unquote_plus(record["s3"]["object"]["key"])
        if not is_input(key):
            log(action="skip", reason="outside the input filter", bucket=bucket, key=key)
            skipped.append(key)
            continue
        output_key = output_key_for(key)
        rows = convert(s3, bucket, key, output_key)
        if rows is None:
            skipped.append(key)
            continue
        if DELETE_SOURCE:
            s3.delete_object(Bucket=bucket, Key=key)
        log(action="converted", bucket=bucket, key=key, output=output_key, rows=rows)
        converted.append({"key": key, "output": output_key, "rows": rows})
    return {"converted": converted, "skipped": skipped}


def check_prefixes(input_prefix, output_prefix):
    if not input_prefix or not output_prefix:
        raise ConversionError("INPUT_PREFIX and OUTPUT_PREFIX must both be set")
    if input_prefix.startswith(output_prefix) or output_prefix.startswith(input_prefix):
        raise ConversionError(
            f"INPUT_PREFIX {input_prefix!r} and OUTPUT_PREFIX {output_prefix!r} overlap: "
            "the function would convert its own output"
        )


def is_input(key):
    return (
        key.startswith(INPUT_PREFIX)
        and key.lower().endswith(".csv")
        and len(key) > len(INPUT_PREFIX) + len(".csv")
    )


def output_key_for(key):
    return OUTPUT_PREFIX + key[len(INPUT_PREFIX) : -len(".csv")] + ".xlsx"


def convert(s3, bucket, key, output_key):
    """Writes the workbook for one CSV; returns its row count, or None when it was skipped."""
    source = s3.get_object(Bucket=bucket, Key=key)
    if source.get("Metadata", {}).get("generated-by") == GENERATED_BY:
        log(action="skip", reason="written by this function", bucket=bucket, key=key)
        source["Body"].close()
        return None
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as workbook_file:
        rows = write_workbook(text_stream(source["Body"]), key, workbook_file)
        workbook_file.flush()
        s3.upload_file(
            workbook_file.name,
            bucket,
            output_key,
            ExtraArgs={
                "ContentType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "Metadata": {"generated-by": GENERATED_BY, "source-key": ascii_safe(key)},
            },
        )
    return rows


def text_stream(body):
    """The S3 body as text, streamed; `utf-8-sig` drops a byte-order mark if there is one."""
    return io.TextIOWrapper(io.BufferedReader(_RawBody(body)), encoding="utf-8-sig", newline="")


class _RawBody(io.RawIOBase):
    """Adapts a botocore StreamingBody to the raw-stream interface io.BufferedReader wants."""

    def __init__(self, body):
        self._body = body

    def readable(self):
        return True

    def readinto(self, buffer):
        chunk = self._body.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)

    def close(self):
        self._body.close()
        super().close()


def write_workbook(text, key, destination):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_name(key))
    reader = csv.reader(text, strict=True)
    rows = 0
    try:
        for row in reader:
            rows += 1
            if rows > MAX_ROWS:
                raise ConversionError(f"{key}: more than {MAX_ROWS} rows, the most a sheet holds")
            sheet.append([cell_value(value, key, reader.line_num) for value in row])
    except csv.Error as error:
        raise ConversionError(f"{key}: line {reader.line_num}: malformed CSV: {error}") from error
    except UnicodeDecodeError as error:
        line = reader.line_num + 1
        raise ConversionError(f"{key}: near line {line}: not UTF-8: {error.reason}") from error
    workbook.save(destination)
    return rows


def cell_value(text, key, line):
    if text == "":
        return None
    if INTEGER.fullmatch(text):
        return int(text)
    if DECIMAL.fullmatch(text) and len(text.lstrip("-").replace(".", "").lstrip("0")) <= 15:
        return float(text)
    if len(text) > MAX_CELL_CHARS:
        raise ConversionError(f"{key}: line {line}: a value exceeds {MAX_CELL_CHARS} characters")
    if ILLEGAL.search(text):
        raise ConversionError(
            f"{key}: line {line}: a value contains a control character XLSX cannot hold"
        )
    return text


def sheet_name(key):
    """The file's base name, cut to Excel's 31 characters without the ones it forbids."""
    base = key.rsplit("/", 1)[-1][: -len(".csv")]
    return (SHEET_NAME_FORBIDDEN.sub("_", base) or "Sheet1")[:31]


def ascii_safe(text):
    # S3 user metadata travels in HTTP headers, which carry ASCII only.
    return text.encode("ascii", "backslashreplace").decode("ascii")


def log(**fields):
    print(json.dumps(fields, ensure_ascii=False))
