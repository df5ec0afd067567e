"""Tests of the rendered CSV-to-XLSX Lambda (deploy/lambda/csv-to-xlsx) against moto's S3.

Run with `pytest tests/deploy/python`.
"""

import importlib.util
import io
import json
import os
import pathlib
import resource
from urllib.parse import quote_plus

import boto3
import pytest
from moto import mock_aws
from openpyxl import load_workbook

# A failed conversion abandons openpyxl's write-only sheet mid-stream; its generator complains
# when collected. The failure itself is what those tests check.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

HANDLER = pathlib.Path(__file__).parents[3] / "deploy" / "lambda" / "csv-to-xlsx" / "handler.py"
BUCKET = "reports-test"


def load_handler():
    spec = importlib.util.spec_from_file_location("csv_to_xlsx_handler", HANDLER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def handler(monkeypatch):
    # moto intercepts boto3; these keep boto3 from looking for real credentials.
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("INPUT_PREFIX", "OUTPUT_PREFIX", "DELETE_SOURCE"):
        monkeypatch.delenv(name, raising=False)
    with mock_aws():
        boto3.client("s3").create_bucket(Bucket=BUCKET)
        yield load_handler()


def s3():
    return boto3.client("s3")


def put(key, text, metadata=None):
    body = text.encode("utf-8") if isinstance(text, str) else text
    s3().put_object(Bucket=BUCKET, Key=key, Body=body, Metadata=metadata or {})


def event(*keys):
    """An S3 event as S3 sends it: keys URL-encoded, a space as `+`."""
    return {"Records": [{"s3": {"bucket": {"name": BUCKET}, "object": {"key": quote_plus(key, safe="/")}}} for key in keys]}


def rows(key):
    body = s3().get_object(Bucket=BUCKET, Key=key)["Body"].read()
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def keys():
    return sorted(item["Key"] for item in s3().list_objects_v2(Bucket=BUCKET).get("Contents", []))


def test_a_csv_under_the_input_prefix_becomes_a_workbook_under_the_output_prefix(handler):
    put("csv/report_2025_01_15.csv", "id,name,amount\r\n1,Ana,10.50\r\n2,Luis,7\r\n")
    result = handler.handler(event("csv/report_2025_01_15.csv"), None)
    assert result == {
        "converted": [{"key": "csv/report_2025_01_15.csv", "output": "xlsx/report_2025_01_15.xlsx", "rows": 3}],
        "skipped": [],
    }
    assert rows("xlsx/report_2025_01_15.xlsx") == [("id", "name", "amount"), (1, "Ana", 10.5), (2, "Luis", 7)]
    head = s3().head_object(Bucket=BUCKET, Key="xlsx/report_2025_01_15.xlsx")
    assert head["Metadata"]["generated-by"] == "csv-to-xlsx"
    assert head["ContentType"].endswith("spreadsheetml.sheet")


def test_subfolders_under_the_prefix_are_kept(handler):
    put("csv/2025/01/ventas.csv", "a\n1\n")
    handler.handler(event("csv/2025/01/ventas.csv"), None)
    assert "xlsx/2025/01/ventas.xlsx" in keys()


def test_keys_with_spaces_and_accents_arrive_url_encoded_and_are_decoded(handler):
    key = "csv/informe de ventas año ñandú.csv"
    put(key, "x\n1\n")
    assert quote_plus(key, safe="/") == "csv/informe+de+ventas+a%C3%B1o+%C3%B1and%C3%BA.csv"
    handler.handler(event(key), None)
    assert rows("xlsx/informe de ventas año ñandú.xlsx") == [("x",), (1,)]


def test_a_plus_in_a_key_is_not_taken_for_a_space(handler):
    put("csv/a+b.csv", "x\n1\n")
    handler.handler(event("csv/a+b.csv"), None)
    assert "xlsx/a+b.xlsx" in keys()


@pytest.mark.parametrize("key", ["reports/x.csv", "csv/x.txt", "csv/x.csv.gz", "xlsx/x.xlsx", "csvx/x.csv", "csv/.csv"])
def test_objects_outside_the_input_filter_are_ignored(handler, key):
    put(key, "a\n1\n")
    result = handler.handler(event(key), None)
    assert result == {"converted": [], "skipped": [key]}
    assert keys() == [key]


def test_cells_that_are_numbers_become_numbers_and_the_rest_stay_text(handler):
    put("csv/n.csv", "007,12345678901234567,-3,3.25,,1e5,0.1,-0.50,12.,abc\n")
    handler.handler(event("csv/n.csv"), None)
    assert rows("xlsx/n.xlsx") == [("007", "12345678901234567", -3, 3.25, None, "1e5", 0.1, -0.5, "12.", "abc")]


def test_a_byte_order_mark_is_not_part_of_the_first_header(handler):
    put("csv/bom.csv", "\ufeffcódigo,nombre\n1,Peña\n")
    handler.handler(event("csv/bom.csv"), None)
    assert rows("xlsx/bom.xlsx") == [("código", "nombre"), (1, "Peña")]


def test_quoted_fields_keep_commas_quotes_and_line_breaks(handler):
    put("csv/q.csv", 'a,b\n"x, y","say ""hi""\nbye"\n')
    handler.handler(event("csv/q.csv"), None)
    assert rows("xlsx/q.xlsx") == [("a", "b"), ("x, y", 'say "hi"\nbye')]


def test_a_malformed_csv_is_reported_with_its_line_and_writes_nothing(handler):
    put("csv/bad.csv", 'a,b\n1,2\n3,"x"y\n4,5\n')
    with pytest.raises(handler.ConversionError, match=r"^csv/bad\.csv: line 3: malformed CSV"):
        handler.handler(event("csv/bad.csv"), None)
    assert keys() == ["csv/bad.csv"]


def test_an_unterminated_quote_is_reported(handler):
    put("csv/open.csv", 'a,b\n1,"never closed\n2,3\n')
    with pytest.raises(handler.ConversionError, match=r"csv/open\.csv: line 3: malformed CSV"):
        handler.handler(event("csv/open.csv"), None)


def test_a_file_that_is_not_utf8_is_reported(handler):
    put("csv/latin1.csv", "a\nPe\xf1a\n".encode("latin-1"))
    with pytest.raises(handler.ConversionError, match=r"csv/latin1\.csv: near line \d+: not UTF-8"):
        handler.handler(event("csv/latin1.csv"), None)


def test_its_own_output_is_never_converted(handler):
    put("csv/again.csv", "a\n1\n", metadata={"generated-by": "csv-to-xlsx"})
    result = handler.handler(event("csv/again.csv"), None)
    assert result == {"converted": [], "skipped": ["csv/again.csv"]}
    assert keys() == ["csv/again.csv"]


def test_overlapping_prefixes_are_refused(handler, monkeypatch):
    monkeypatch.setattr(handler, "INPUT_PREFIX", "data/")
    monkeypatch.setattr(handler, "OUTPUT_PREFIX", "data/xlsx/")
    with pytest.raises(handler.ConversionError, match="overlap"):
        handler.handler(event("data/x.csv"), None)


def test_the_source_is_deleted_only_when_asked(handler, monkeypatch):
    put("csv/keep.csv", "a\n1\n")
    handler.handler(event("csv/keep.csv"), None)
    monkeypatch.setattr(handler, "DELETE_SOURCE", True)
    put("csv/drop.csv", "a\n1\n")
    handler.handler(event("csv/drop.csv"), None)
    assert keys() == ["csv/keep.csv", "xlsx/drop.xlsx", "xlsx/keep.xlsx"]


def test_the_defaults_are_the_manifest_values_and_the_environment_overrides_them(monkeypatch):
    module = load_handler()
    assert (module.INPUT_PREFIX, module.OUTPUT_PREFIX, module.DELETE_SOURCE) == ("csv/", "xlsx/", False)
    monkeypatch.setenv("OUTPUT_PREFIX", "books/")
    monkeypatch.setenv("DELETE_SOURCE", "TRUE")
    module = load_handler()
    assert (module.OUTPUT_PREFIX, module.DELETE_SOURCE) == ("books/", True)


def test_sheet_names_respect_excel_limits(handler):
    assert handler.sheet_name("csv/a very long report name for the month of january.csv") == "a very long report name for the"
    assert handler.sheet_name("csv/q1[2025]: a*b?.csv") == "q1_2025__ a_b_"


# Growth of the resident set while one 200,000-row file (a million cells) converts. A workbook
# built in memory (openpyxl's normal mode) holds every cell, several hundred MB for this file;
# streaming the CSV and write-only mode keep the growth to buffers and moto's in-memory copy of
# the workbook (about 6 MB).
MEMORY_BOUND_KB = 100 * 1024


def resident_kb():
    for line in pathlib.Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def in_child(work):
    """Runs work() in a forked child, which starts with moto's state as it is, and returns its
    JSON result. ru_maxrss is a high-water mark of the whole process, so only a fresh process
    measures one conversion."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        status = 1
        try:
            with os.fdopen(write_end, "w") as out:
                json.dump(work(), out)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end) as result:
        text = result.read()
    _, status = os.waitpid(pid, 0)
    assert status == 0, "the child process failed"
    return json.loads(text)


@pytest.mark.skipif(not pathlib.Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_200000_row_file_converts_within_a_flat_memory_bound(handler):
    lines = ["id,code,name,amount,ratio"]
    lines += [f"{i},{i:07d},cliente {i} ñ,{i * 3},{i % 97}.{i % 89:02d}" for i in range(1, 200_001)]
    put("csv/big.csv", "\n".join(lines) + "\n")
    del lines

    def convert_and_check():
        start = resident_kb()
        result = handler.handler(event("csv/big.csv"), None)
        growth = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - start
        body = s3().get_object(Bucket=BUCKET, Key="xlsx/big.xlsx")["Body"].read()
        sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
        first = [list(row) for row in sheet.iter_rows(max_row=2, values_only=True)]
        return {"rows": result["converted"][0]["rows"], "growth_kb": growth, "first": first}

    outcome = in_child(convert_and_check)
    assert outcome["rows"] == 200_001
    assert outcome["first"] == [["id", "code", "name", "amount", "ratio"], [1, "0000001", "cliente 1 ñ", 3, 1.01]]
    print(f"resident set grew {outcome['growth_kb'] / 1024:.0f} MB")
    assert outcome["growth_kb"] < MEMORY_BOUND_KB, f"grew {outcome['growth_kb'] / 1024:.0f} MB"
