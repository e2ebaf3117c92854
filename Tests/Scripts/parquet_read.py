#!/usr/bin/env python3
"""Independent reader of haze's Parquet exports (ParquetExportTests).

Reads FILE with pyarrow (and, when installed, DuckDB) — never with haze's
code — and prints JSON: the schema, row count, non-null values, their sum,
evenly spaced sample rows (times as haze prints them: local ISO hours at
--offset-hours, or dates), and with --month-pollutant the monthly mean of
the file's stations (minus --exclude codes) computed in DuckDB: per day the
mean of valid station values, per month the mean of those days.

usage: parquet_read.py FILE [--offset-hours 8] [--sample 25]
                            [--month-pollutant PM2.5] [--exclude CODE,CODE]
"""
import argparse
import datetime
import json
import sys

parser = argparse.ArgumentParser()
parser.add_argument("file")
parser.add_argument("--offset-hours", type=int, default=8)
parser.add_argument("--sample", type=int, default=25)
parser.add_argument("--month-pollutant")
parser.add_argument("--exclude", default="")
args = parser.parse_args()

try:
    import pyarrow.parquet as pq
    import pyarrow.compute as pc
except ImportError as error:
    print(json.dumps({"pyarrow_missing": str(error)}))
    sys.exit(0)

table = pq.read_table(args.file)
zone = datetime.timezone(datetime.timedelta(hours=args.offset_hours))
sign = "+" if args.offset_hours >= 0 else "-"
suffix = "%s%02d:00" % (sign, abs(args.offset_hours))


def shown(value):
    if isinstance(value, datetime.datetime):
        return value.astimezone(zone).strftime("%Y-%m-%dT%H:%M") + suffix
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


values = table.column("value")
out = {
    "schema": [[field.name, str(field.type), field.nullable] for field in table.schema],
    "rows": table.num_rows,
    "nonnull": table.num_rows - values.null_count,
    "valid": int(pc.sum(pc.cast(table.column("valid"), "int64")).as_py() or 0),
    "sum": pc.sum(values).as_py() or 0.0,
    "row_groups": pq.ParquetFile(args.file).metadata.num_row_groups,
    "sample": [],
}
n = table.num_rows
for k in range(args.sample if n else 0):
    row = table.slice(k * n // args.sample, 1).to_pylist()[0]
    out["sample"].append({key: shown(value) for key, value in row.items()})

try:
    import duckdb
except ImportError as error:
    out["duckdb_missing"] = str(error)
else:
    con = duckdb.connect()
    rows, total = con.execute("SELECT count(*), sum(value) FROM read_parquet(?)", [args.file]).fetchone()
    out["duckdb"] = {"rows": rows, "sum": total or 0.0}
    if args.month_pollutant:
        excluded = [code for code in args.exclude.split(",") if code]
        months = con.execute(
            """
            WITH d AS (
                SELECT time, avg(value) AS v FROM read_parquet(?)
                WHERE pollutant = ? AND valid AND NOT list_contains(?, station)
                GROUP BY time)
            SELECT strftime(time, '%Y-%m') AS month, avg(v), count(*) FROM d GROUP BY 1 ORDER BY 1
            """,
            [args.file, args.month_pollutant, excluded]).fetchall()
        out["duckdb"]["months"] = [{"month": m, "mean": v, "days": d} for m, v, d in months]
print(json.dumps(out, ensure_ascii=False))
