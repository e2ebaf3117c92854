"""Provenance strings for every external source used (one place, reused by all build scripts)."""
NAT2020 = "/work/shared/data/stations/national-2020.csv (national list effective 2020-01-01; 对照点 only in station names)"
NAT2026 = "/work/shared/data/stations/national-2026-10.csv (from HeQinWill/CNEMC Archive/2026-10-09/2026-10-09T05.csv @ 6853cea3099c222a0da078b22f5dcb534bf36112)"
ZK2022 = "zkzkok/mydata:站点列表-2022.02.13起.csv@387b310e275fd463e95d8a624df9d4b24e47bde5 (column 对照点)"
TRAJRF = "liujun2024/TrajRF:NewSiteList.csv@cf9bc448bf29a81e3596659b0e54032f1f54b753 (column 对照点; same 250 Y codes as the 2022-02-13 list)"
FEED2022 = "HeQinWill/CNEMC:Archive/2022-01-01/2022-01-01T12.csv@88f594f781ec14d79774e2517f154c1c4b3497f7 (positionname carries '(对照点)'; only codes 1001A-1609A were read)"
FEED2024 = "HeQinWill/CNEMC:Archive/2024-06-30/2024-06-30T12.csv@5206433fc0102ffd28123fc86d6979b8b1d3dd50"
FEED2025A = "HeQinWill/CNEMC:Archive/2025-01-01/2025-01-01T12.csv@0f7deca5694bdf0824364da9d0e77ea298f597f1"
FEED2025B = "HeQinWill/CNEMC:Archive/2025-06-30/2025-06-30T12.csv@e3b88a515770be95e036ce0b2c83c7ac39fede68"
FEED2026 = "HeQinWill/CNEMC:Archive/2026-10-09/2026-10-09T05.csv@6853cea3099c222a0da078b22f5dcb534bf36112 (= /work/shared/data/cnemc-hourly/2026-10-09T05.csv)"
FEED2022_CODES = set("""1002A 1027A 1035A 1061A 1066A 1083A 1098A 1125A 1129A 1160A 1273A 1280A 1286A 1307A 1324A
1334A 1344A 1355A 1382A 1400A 1405A 1409A 1414A 1438A 1451A 1472A 1477A 1483A 1484A 1492A 1552A 1559A 1564A""".split())
FEED2022_MAXCODE = '1609A'
FEED2022_ABSENT = {'1146A', '1225A', '1296A'}
