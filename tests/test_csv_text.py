"""The bulk CSV formatter writes the bytes pandas' ``to_csv`` writes, on awkward values; and so do workers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import sharedopt.report.parallel as parallel
from sharedopt.report import write_outputs
from sharedopt.report.tables import csvtext, neutralise_frame, write_csv
from sharedopt.report.tables.files import CSV_FLOAT_FORMAT
from tests.test_report import load_inputs as report_inputs

#: floats whose '%.3f' text is easy to get wrong: signs of zero, ties, tiny and huge values, non-finite
AWKWARD = [np.nan, -0.0, 0.0, 1e-7, -1e-7, -0.0004999, 0.0005, 0.0625, 2.5, 3.0, -1234.5675,
           2.0 ** 53, 2.5e15, -9.87654321e12, 1e300, np.inf, -np.inf, 0.1 + 0.2, 1 / 3, 1e22]


def _pandas_bytes(frame: pd.DataFrame, tmp_path) -> bytes:
    path = tmp_path / "pandas.csv"
    neutralise_frame(frame).to_csv(path, index=False, float_format=CSV_FLOAT_FORMAT, lineterminator="\n",
                                   encoding="utf-8")
    return path.read_bytes()


def _awkward_frame() -> pd.DataFrame:
    n = len(AWKWARD)
    text = ["plain", "a, b", 'say "hi"', "two\nlines", "cr\r\nlf", "=SUM(A1)", "-5", "@x", "",
            " spaced ", "Ynys Môn", "\u202eevil", "tab\tinside", "x", None, "y", "comma,", '"', "z", "end"]
    return pd.DataFrame({
        "awkward": AWKWARD,
        "ints_as_floats": np.arange(n, dtype=float) * 1000.0,
        "all_nan": np.full(n, np.nan),
        "all_minus_zero": np.full(n, -0.0),
        "float32": np.linspace(-1, 1, n, dtype=np.float32),
        "int": np.arange(n, dtype=np.int64) - 7,
        "uint": np.arange(n, dtype=np.uint32),
        "flag": np.arange(n) % 3 == 0,
        "object_text": pd.Series(text, dtype=object),
        "string_text": pd.Series(text, dtype="string"),
        "name, with comma": ["c"] * n,
    })


@pytest.mark.parametrize("block_cells", [csvtext.BLOCK_CELLS, 7])
def test_bulk_text_is_pandas_bytes(tmp_path, monkeypatch, block_cells):
    frame = _awkward_frame()
    monkeypatch.setattr(csvtext, "BLOCK_CELLS", block_cells)  # 7 cells: one row a block
    assert csvtext.csv_blocks(neutralise_frame(frame), CSV_FLOAT_FORMAT) is not None  # the bulk path is taken
    written = write_csv(frame, tmp_path / "bulk.csv").read_bytes()
    assert written == _pandas_bytes(frame, tmp_path)
    assert b'"a, b"' in written and b"-0.000" in written and b"inf" in written


@pytest.mark.parametrize("odd", [
    pd.DataFrame({"n": pd.array([1, None, 3], dtype="Int64"), "x": [0.5, 1.5, np.nan]}),
    pd.DataFrame({"c": pd.Categorical(["a", "b", "a"]), "x": [1.0, 2.0, 3.0]}),
    pd.DataFrame({"mixed": [1, "a", 2.5], "x": [1.0, 2.0, 3.0]}),
    pd.DataFrame({"only": ["", "a", None]}),
    pd.DataFrame({0: [1.0], "x": [2.0]}),
])
def test_other_tables_are_written_by_pandas(tmp_path, odd):
    assert csvtext.csv_blocks(odd, CSV_FLOAT_FORMAT) is None
    assert write_csv(odd, tmp_path / "odd.csv").read_bytes() == _pandas_bytes(odd, tmp_path)


def test_empty_table_is_its_header(tmp_path):
    frame = _awkward_frame().iloc[:0]
    assert write_csv(frame, tmp_path / "empty.csv").read_bytes() == _pandas_bytes(frame, tmp_path)


def test_tables_from_a_worker_are_the_serial_bytes(monkeypatch, tmp_path):
    """Large CSVs written by a forked worker (every table counted large here) are the serial bytes,
    in a csv-only report (the largest written here, the others aside) and beside the maps."""
    inputs = report_inputs()
    serial = write_outputs(tmp_path / "serial", formats={"csv", "png"}, **inputs)
    monkeypatch.setattr("sharedopt.report.CSV_MIN_CELLS", 0)
    monkeypatch.setattr(parallel, "spare_core", lambda: True)  # a worker however busy the machine
    started = []

    def start(tables):
        pending = parallel.start_tables(tables)
        started.append((sorted(tables), pending is not None))
        return pending

    monkeypatch.setattr("sharedopt.report.start_tables", start)
    for formats in ({"csv"}, {"csv", "png"}):
        aside = write_outputs(tmp_path / "-".join(sorted(formats)), formats=formats, **inputs)
        assert {name: path.read_bytes() for name, path in aside.items()} == {
            name: serial[name].read_bytes() for name in aside}
    assert started == [(["portfolio.csv", "shares.csv"], True), (["candidates.csv", "portfolio.csv", "shares.csv"], True)]


def test_a_failed_worker_is_written_again_here_and_raises_as_a_serial_write(monkeypatch, tmp_path):
    monkeypatch.setattr(parallel, "spare_core", lambda: True)
    frame = _awkward_frame()
    pending = parallel.start_tables({"x.csv": (frame, tmp_path / "missing" / "x.csv")})
    assert pending is not None
    with pytest.raises(FileNotFoundError, match="missing"):  # the worker failed; the serial write says why
        pending.finish()


def _near_ties(rng: np.random.Generator, n: int, places: int) -> np.ndarray:
    """Floats at, just beside and far from the rounding ties of ``places`` decimals, of every size."""
    halves = (rng.integers(-10**6, 10**6, n) + 0.5) / 10.0**places
    nudged = np.nextafter(halves, rng.choice([-np.inf, np.inf], n))
    sizes = rng.normal(0, 1, n) * 10.0 ** rng.integers(-12, 16, n)
    return np.concatenate([halves, nudged, sizes, np.nextafter(sizes, np.inf)])


@pytest.mark.parametrize("places", [0, 1, 3, 6])
def test_float_cells_are_the_percent_format_of_every_value(places):
    """The byte-matrix floats equal '%.Nf' % value for ties, near-ties and values of every size."""
    from sharedopt.report.tables.csvbytes import float_bytes, joined_rows

    rng = np.random.default_rng(places)
    values = np.concatenate([_near_ties(rng, 2000, places), np.array(AWKWARD[1:]), [np.nan]])
    fmt = f"%.{places}f"
    expected = "".join(("" if v != v else fmt % v) + "\n" for v in values.tolist())
    got = joined_rows([float_bytes(values, places, fmt)]).decode()
    assert got == expected


def test_integer_and_text_cells_are_their_text():
    from sharedopt.report.tables.csvbytes import int_bytes, joined_rows, text_bytes

    ints = np.array([0, 7, -7, 999, 1000, -1001, 10**18, np.iinfo(np.int64).max, np.iinfo(np.int64).min])
    assert joined_rows([int_bytes(ints)]).decode() == "".join(f"{v}\n" for v in ints.tolist())
    texts = ["", "a", "Ynys Môn", "x" * 300, "E06000001,E06000002", "€"]
    assert joined_rows([text_bytes(texts)]).decode() == "".join(f"{t}\n" for t in texts)
    assert text_bytes(["nul\0inside"]) is None  # a zero byte would be dropped: left to the text path
    assert int_bytes(np.array([2**64 - 1], dtype=np.uint64)) is None


def test_safety_check_on_ascii_bytes_agrees_with_the_check_on_text():
    """The check on ASCII bytes gives the answer of the check on text, on ASCII and other text,
    and a column it calls safe has no cell the guard would change."""
    from sharedopt.report.tables.cells import _all_safe, _texts_safe, neutralise_text

    cases = [["a", "b"], ["a", "=b"], ["", "-1"], ["x\ty"], ["x\x7fy"], ["Môn", "@x"], ["Môn", "\u202e"],
             ["ok", None, "fine"], ["ok", None, "+1"], ["\u00adsoft"], [], ["", ""], ["a\nb"], ["ab", "=" * 3]]
    for values in cases:
        texts = [v for v in values if isinstance(v, str)]
        assert _all_safe(values) == _texts_safe(texts), values
        assert not _all_safe(values) or all(neutralise_text(t) == t for t in texts), values


def test_a_block_too_wide_for_a_matrix_is_written_as_text(tmp_path, monkeypatch):
    """A text cell too long for the byte matrix of its block is refused before the matrix is built,
    and the block is formatted cell by cell: the same bytes."""
    from sharedopt.report.tables import csvbytes

    frame = pd.DataFrame({"text": ["short", "x" * 500, "Môn " * 40], "value": [1.25, -0.5, 3.0]})
    monkeypatch.setattr(csvbytes, "MATRIX_MAX_BYTES", 550)
    assert csvbytes.text_bytes(frame["text"].tolist()) is None
    assert csvbytes.text_bytes(["Môn " * 40] * 3) is None  # 480 characters fit, 600 UTF-8 bytes do not
    assert csvbytes.text_bytes(["Mon " * 40] * 3) is not None  # 480 ASCII bytes fit
    assert write_csv(frame, tmp_path / "wide.csv").read_bytes() == _pandas_bytes(frame, tmp_path)
