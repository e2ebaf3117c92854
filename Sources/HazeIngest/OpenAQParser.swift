import HazeModel

/// Reads OpenAQ API v3 hourly values: `/v3/sensors/{id}/hours` and
/// `/v3/sensors/{id}/measurements` pages.
///
/// A page names no sensor or station (the URL does), so the station is given
/// by the caller: `haze pull` maps each configured sensor to a registry
/// station, `haze ingest --station CODE` does it for a file. A value is
/// stored under the hour its period ends (`datetimeFrom` + 1 h, UTC): CNEMC
/// labels an hour by its end (hour 8 is 07:00–08:00; Tests/Scripts/RULES.md
/// §2), and values from both sources must land on the same label.
package struct OpenAQParser: Sendable {
    package var station: String?

    package init(station: String?) { self.station = station }

    /// The batch, and the page's size against its limit (for pagination).
    package struct Page: Sendable {
        package var batch: ParsedBatch
        package var results: Int
        package var limit: Int?
    }

    package func parse(_ bytes: [UInt8], context: ParseContext) -> Page {
        var batch = ParsedBatch()
        let source = context.source
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes)
        } catch {
            batch.rejections.append(Rejection(source: source, line: 1, field: "body", value: "",
                                              reason: "not valid JSON (\(error))"))
            return Page(batch: batch, results: 0, limit: nil)
        }
        guard let results = json["results"]?.arrayValue else {
            batch.rejections.append(Rejection(source: source, line: 1, field: "results", value: "",
                                              reason: "an OpenAQ v3 page needs a results array"))
            return Page(batch: batch, results: 0, limit: nil)
        }
        let limit = json["meta"]?["limit"]?.numberValue.flatMap { Int(exactly: $0) }
        batch.linesRead = results.count
        guard let station = station, !station.isEmpty else {
            batch.rejections.append(Rejection(source: source, line: 1, field: "station", value: "",
                                              reason: "an OpenAQ page names no station; map its sensor to a station (haze.json sensors, or --station CODE)"))
            return Page(batch: batch, results: results.count, limit: limit)
        }
        let refusal = context.refusal(for: station)
        for (i, result) in results.enumerated() {
            let item = i + 1  // results are numbered like lines, from 1
            let parameter = result["parameter"]?["name"]?.stringValue ?? ""
            guard let pollutant = Pollutant(name: parameter) else {
                batch.otherRowsSkipped += 1
                continue
            }
            let units = result["parameter"]?["units"]?.stringValue ?? "µg/m³"
            let fromText = result["period"]?["datetimeFrom"]?["utc"]?.stringValue ?? ""
            func reject(_ field: String, _ value: String, _ reason: String) {
                batch.rejections.append(Rejection(source: source, line: item, field: field, station: station,
                                                  time: fromText, pollutant: pollutant.displayName, value: value, reason: reason))
            }
            // Mass concentrations only: a volume ratio (ppm, ppb) needs the
            // reference state's conversion, which is not this parser's to guess.
            let microgram = units == "µg/m³" || units == "ug/m3" || units == "µg/m3"
            let milligram = units == "mg/m³" || units == "mg/m3"
            guard microgram || (milligram && pollutant == .co) else {
                let wanted = pollutant == .co ? "µg/m³ or mg/m³" : "µg/m³"
                reject("parameter.units", units, "units '\(units)' are not \(wanted) (volume ratios such as ppm are not converted)")
                continue
            }
            // CO is kept in mg/m³: µg/m³ are divided by 1000.
            let scale = pollutant == .co && microgram ? 0.001 : 1
            if let interval = result["period"]?["interval"]?.stringValue, interval != "01:00:00" {
                reject("period.interval", interval, "not an hourly value (interval \(interval))")
                continue
            }
            let hour: Hour
            switch ISOHour.parse(fromText, defaultZone: .utc) {
            case .success(let start): hour = start.advanced(by: 1)   // labelled by its end, as CNEMC's
            case .failure(let failure):
                reject("period.datetimeFrom.utc", fromText, "'\(fromText)' is \(failure)")
                continue
            }
            guard hour <= context.latestHour else { reject("period.datetimeFrom.utc", fromText, "\(fromText) is in the future"); continue }
            // (`case .null`, not `== .null`: values compare by their text, and 1e999 is written as null.)
            guard let field = result["value"] else { batch.rowsWithoutValue += 1; continue }
            if case .null = field { batch.rowsWithoutValue += 1; continue }
            batch.valuesRead += 1
            // The one checked conversion: NaN, ±∞, 1e300, negatives and values
            // above the cap are refused row by row, never trapped on.
            let rounded: Int
            switch field.numberValue.map({ ExternalNumber.concentration($0 * scale, of: pollutant) }) {
            case .success(let value)?: rounded = value
            case .failure(let refusal)?:
                reject("value", field.numberValue.map(ExternalNumber.show) ?? "", refusal.expected)
                continue
            case nil:
                reject("value", String(field.serialized().prefix(40)), "not a number")
                continue
            }
            if let refusal {
                if refusal == .skip { batch.unknownSkipped += 1 } else {
                    reject("station", pollutant.format(Double(rounded)), "station \(station) is not in the station registry")
                }
                continue
            }
            let key = batch.key(SeriesKey(station: station, pollutant: pollutant))
            batch.append(key: key, hour: hour, value: rounded, line: item)
        }
        return Page(batch: batch, results: results.count, limit: limit)
    }
}
