import HazeModel

/// A Parquet file (apache/parquet-format) written in memory: row groups of at
/// most `rowGroupRows` rows, one data page (v1) per column chunk, PLAIN
/// encoding, GZIP compression through the linked zlib, the footer in
/// Thrift's compact protocol. Readers: pyarrow, pandas, Polars, DuckDB,
/// Spark (tested with pyarrow and DuckDB).
///
///     "PAR1" | per row group, per column: page header, gzip(levels + values)
///            | FileMetaData | its length (u32 LE) | "PAR1"
///
/// Use: append one value to every column, then `endRow()`; `finish()` gives the file.
package struct ParquetWriter {
    package enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case compression(Gzip.Failure)
        case unevenColumns(String)
        /// A page larger than Parquet's 32-bit sizes allow.
        case pageTooLarge(column: String, bytes: Int)

        package var description: String {
            switch self {
            case .compression(let failure): "parquet: compressing a page failed: \(failure)"
            case .unevenColumns(let detail): "parquet: columns of different lengths (\(detail))"
            case .pageTooLarge(let column, let bytes): "parquet: a page of column \(column) would be \(bytes) bytes; use smaller row groups"
            }
        }
    }

    package private(set) var columns: [ParquetColumn]
    package let rowGroupRows: Int
    /// Key/value pairs of the file's metadata (units, the source, …).
    package var metadata: [(key: String, value: String)]
    package var createdBy: String

    private var file: [UInt8] = Array("PAR1".utf8)
    private var groups: [RowGroup] = []
    private var rowsInGroup = 0
    package private(set) var rows = 0

    private struct Chunk {
        var column: Int
        var values: Int
        var offset: Int
        var uncompressed: Int
        var compressed: Int
    }

    private struct RowGroup {
        var rows: Int
        var chunks: [Chunk]
    }

    package init(columns: [ParquetColumn], rowGroupRows: Int = 1 << 20,
                metadata: [(key: String, value: String)] = [], createdBy: String = "haze") {
        self.columns = columns
        self.rowGroupRows = max(1, rowGroupRows)
        self.metadata = metadata
        self.createdBy = createdBy
    }

    /// Appends through a column's `append` (by index).
    package mutating func column(_ index: Int, _ body: (inout ParquetColumn) -> Void) { body(&columns[index]) }

    /// Closes a row: every column must have had one value appended.
    package mutating func endRow() throws(Failure) {
        rowsInGroup += 1
        rows += 1
        if rowsInGroup >= rowGroupRows { try flush() }
    }

    /// The whole file.
    package mutating func finish() throws(Failure) -> [UInt8] {
        if rowsInGroup > 0 { try flush() }
        var footer = ThriftCompactWriter()
        footer.i32(1, 2)  // version
        let root = ("schema", columns.count)
        footer.structures(2, [nil] + columns.map { Optional($0) }) { w, column in
            guard let column else {
                w.string(4, root.0)
                w.i32(5, Int32(root.1))
                return
            }
            w.i32(1, column.type.rawValue)
            w.i32(3, column.optional ? 1 : 0)  // REQUIRED 0, OPTIONAL 1
            w.string(4, column.name)
            switch column.annotation {
            case .none: break
            case .string:
                w.i32(6, 0)  // UTF8
                w.structure(10) { $0.structure(1) { _ in } }  // StringType
            case .date:
                w.i32(6, 6)  // DATE
                w.structure(10) { $0.structure(6) { _ in } }  // DateType
            case .timestampMillisUTC:
                w.i32(6, 9)  // TIMESTAMP_MILLIS
                w.structure(10) { logical in
                    logical.structure(8) { timestamp in  // TimestampType
                        timestamp.bool(1, true)  // isAdjustedToUTC
                        timestamp.structure(2) { $0.structure(1) { _ in } }  // TimeUnit.MILLIS
                    }
                }
            }
        }
        footer.i64(3, Int64(rows))
        let columns = self.columns
        footer.structures(4, groups) { w, group in
            w.structures(1, group.chunks) { w, chunk in
                let column = columns[chunk.column]
                w.i64(2, Int64(chunk.offset))  // file_offset
                w.structure(3) { meta in  // ColumnMetaData
                    meta.i32(1, column.type.rawValue)
                    meta.i32s(2, column.optional ? [0, 3] : [0])  // PLAIN, RLE (levels)
                    meta.strings(3, [column.name])
                    meta.i32(4, 2)  // GZIP
                    meta.i64(5, Int64(chunk.values))
                    meta.i64(6, Int64(chunk.uncompressed))
                    meta.i64(7, Int64(chunk.compressed))
                    meta.i64(9, Int64(chunk.offset))  // data_page_offset
                }
            }
            w.i64(2, Int64(group.chunks.reduce(0) { $0 + $1.uncompressed }))
            w.i64(3, Int64(group.rows))
        }
        if !metadata.isEmpty {
            footer.structures(5, metadata) { w, pair in
                w.string(1, pair.key)
                w.string(2, pair.value)
            }
        }
        footer.string(6, createdBy)
        footer.stop()
        var out = file
        out += footer.bytes
        withUnsafeBytes(of: UInt32(footer.bytes.count).littleEndian) { out += $0 }
        out += Array("PAR1".utf8)
        return out
    }

    /// Writes the current row group's column chunks.
    private mutating func flush() throws(Failure) {
        var chunks: [Chunk] = []
        for (index, column) in columns.enumerated() {
            guard column.rows == rowsInGroup else {
                throw .unevenColumns("\(column.name) has \(column.rows) rows, the row group \(rowsInGroup)")
            }
            let body = column.pageBody()
            let compressed: [UInt8]
            do { compressed = try Gzip.compress(body) } catch { throw .compression(error) }
            guard body.count <= Int(Int32.max), compressed.count <= Int(Int32.max) else {
                throw .pageTooLarge(column: column.name, bytes: body.count)
            }
            var header = ThriftCompactWriter()
            header.i32(1, 0)  // DATA_PAGE
            header.i32(2, Int32(body.count))
            header.i32(3, Int32(compressed.count))
            header.structure(5) { page in  // DataPageHeader
                page.i32(1, Int32(column.rows))
                page.i32(2, 0)  // PLAIN
                page.i32(3, 3)  // definition levels: RLE
                page.i32(4, 3)  // repetition levels: RLE (none: no repeated fields)
            }
            header.stop()
            chunks.append(Chunk(column: index, values: column.rows, offset: file.count,
                                uncompressed: header.bytes.count + body.count,
                                compressed: header.bytes.count + compressed.count))
            file += header.bytes
            file += compressed
            columns[index].reset()
        }
        groups.append(RowGroup(rows: rowsInGroup, chunks: chunks))
        rowsInGroup = 0
    }
}
