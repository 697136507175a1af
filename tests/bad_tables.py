"""Bad CSV files, each with a phrase its one-line message must contain: shared by the core, CLI and page tests."""

from core import tabular

GOOD = b"x1,x2,label\n0,1,a\n1,0,b\n2,2,a\n3,1,b\n"
WIDE = ",".join(f"f{i}" for i in range(tabular.MAX_FEATURES + 1)) + ",label\n"
BAD = {  # name: (bytes, phrase in the message); every file has a column named "label"
    "empty": (b"", "empty"),
    "blank lines only": (b"\n \n\n", "empty"),
    "no header": (b"0,1,0\n1,0,1\n", "no header row"),
    "not UTF-8": ("x1,label\n1,caf\xe9\n2,b\n".encode("latin-1"), "not UTF-8"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary"),
    "single class": (b"x1,label\n1,a\n2,a\n3,a\n", "single class"),
    "too many classes": (("x1,label\n" + "".join(f"{k},{k}\n" for k in range(tabular.MAX_CLASSES + 1))).encode(), "21 classes"),
    "missing value": (b"x1,x2,label\n1,,a\n2,3,b\n", "missing value in column 'x2', row 2"),
    "missing label": (b"x1,label\n1,a\n2,\n", "missing label"),
    "NaN": (b"x1,x2,label\n1,2,a\n2,nan,b\n", "NaN or inf in column 'x2', row 3"),
    "inf": (b"x1,x2,label\n1,-inf,a\n2,3,b\n", "NaN or inf"),
    "non-numeric feature": (b"x1,x2,label\n1,2,a\n2,three,b\n", "column 'x2' is not numeric: row 3 holds 'three'"),
    "ragged row": (b"x1,x2,label\n1,2,a\n2,b\n", "row 3 has 2 fields"),
    "too many rows": (
        ("x1,label\n" + "".join(f"{k},{k % 2}\n" for k in range(tabular.MAX_ROWS + 1))).encode(),
        "20,001 data rows",
    ),
    "too many columns": ((WIDE + ",".join("1" * (tabular.MAX_FEATURES + 2)) + "\n").encode(), "at most 64 features"),
    "too many bytes": (b"x1,label\n" + b"1,0\n" * (tabular.MAX_BYTES // 4), "at most 5 MB"),
    "one row": (b"x1,label\n1,a\n", "only one data row"),
    "no label column": (b"x1,x2\n1,2\n2,1\n", "no column named 'label'"),
    "only the label": (b"label\na\nb\n", "no feature columns"),
}
