import Foundation
import Testing
@testable import HazeModel
@testable import HazeRegistry
@testable import HazeStore
@testable import HazeIngest
@testable import HazeNet
@testable import HazeSources
@testable import HazeAssessment
@testable import HazeAlerts
@testable import HazeReport
@testable import HazeCLI

/// The compensation ledger: the four shipped schemes (Tests/Fixtures/compensation/)
/// on hand-made inputs, every expected amount worked out by hand in the comments,
/// each with a tier or sign boundary and a tie; and the scheme file's refusals.
@Suite("Compensation: the four schemes worked by hand", .onTestThreads)
struct CompensationTests {
    static func scheme(_ name: String) throws -> CompensationScheme {
        try CompensationScheme.load(path: TestPaths.fixtures + "/compensation/\(name).json")
    }

    typealias Figures = CompensationInput.Figures

    static func subject(_ name: String, _ figures: [CompensationIndicator: Figures]) -> CompensationInput.Subject {
        CompensationInput.Subject(name: name, figures: figures)
    }

    static func amounts(_ ledger: CompensationLedger) -> [String: Decimal] {
        Dictionary(uniqueKeysWithValues: ledger.lines.map { ($0.subject, $0.amount) })
    }

    static func terms(_ ledger: CompensationLedger, _ unit: String) -> [String: Decimal?] {
        let line = ledger.lines.first { $0.subject == unit }
        return Dictionary(uniqueKeysWithValues: (line?.terms ?? []).map { ($0.term.id, $0.amount) })
    }

    // MARK: Henan / Zhengzhou

    @Test("Zhengzhou, monthly, deduct only: the 5 µg/m³ tier boundary, a tie, half-even rates, an invalid month")
    func zhengzhou() throws {
        let scheme = try Self.scheme("henan-zhengzhou-2020")
        #expect(scheme.period == .month && scheme.subject == .units && scheme.terms.count == 4 && scheme.unconfirmed.count == 3)
        // City: PM2.5 60 (last year 62) → improvement rate (62 − 60) / 62 × 100 = 3.2258… → 3.2 %.
        //       PM10 100 (last year 110) → (110 − 100) / 110 × 100 = 9.0909… → 9.1 %.
        let city = Self.subject("郑州", [.pm25: Figures(current: 60, lastYear: 62), .pm10: Figures(current: 100, lastYear: 110)])
        let units = [
            // A: PM2.5 65 → 60 − 65 = −5, exactly the tier bound: 5 × 10 = 50 → −50.
            //    rate (70 − 65) / 70 × 100 = 7.142… → 7.1 > 3.2: better, deduct-only → 0.
            //    PM10 100 = city → 0. rate (105 − 100) / 105 × 100 = 4.761… → 4.8; 4.8 − 9.1 = −4.3 → 4.3 × 10 = 43 → −43.
            //    A = −50 − 43 = −93.00
            Self.subject("A区", [.pm25: Figures(current: 65, lastYear: 70), .pm10: Figures(current: 100, lastYear: 105)]),
            // B: PM2.5 66 → −6: 5 × 10 + 1 × 20 = 70 → −70. rate (66 − 66) / 66 = 0.0; 0.0 − 3.2 = −3.2 → 32 → −32.
            //    PM10 98 → +2 better → 0. rate 0.0; 0.0 − 9.1 = −9.1 → 91 → −91.   B = −70 − 32 − 91 = −193.00
            Self.subject("B区", [.pm25: Figures(current: 66, lastYear: 66), .pm10: Figures(current: 98, lastYear: 98)]),
            // C: PM2.5 66, tied with B → the same −70. rate (60 − 66) / 60 × 100 = −10.0; −10.0 − 3.2 = −13.2 → −132.
            //    PM10 112 → −12: 5 × 10 + 7 × 20 = 190 → −190. rate (100 − 112) / 100 × 100 = −12.0; −12.0 − 9.1 = −21.1 → −211.
            //    C = −70 − 132 − 190 − 211 = −603.00
            Self.subject("C区", [.pm25: Figures(current: 66, lastYear: 60), .pm10: Figures(current: 112, lastYear: 100)]),
            // D: PM2.5 79 → −19: 5 × 10 + 14 × 20 = 330 → −330. rate (80 − 79) / 80 × 100 = 1.25 → 1.2 (half to even;
            //    half up would give 1.3); 1.2 − 3.2 = −2.0 → 20 → −20.  PM10: the month is invalid (24 of 27 days): both
            //    PM10 terms cannot be computed. D = −350.00 from the terms computed, marked incomplete.
            Self.subject("D区", [.pm25: Figures(current: 79, lastYear: 80),
                                 .pm10: Figures(current: nil, lastYear: 100, currentAbsence: .invalid(validDays: 24, requiredDays: 27))]),
        ]
        let ledger = CompensationLedger(scheme: scheme, input: CompensationInput(period: .month(Month(year: 2019, month: 1)!),
                                                                                  units: units, city: city))
        #expect(Self.amounts(ledger) == ["A区": -93, "B区": -193, "C区": -603, "D区": -350])
        #expect(Self.terms(ledger, "A区") == ["pm25": -50, "pm10": 0, "pm25-rate": 0, "pm10-rate": -43])
        #expect(Self.terms(ledger, "B区") == ["pm25": -70, "pm10": 0, "pm25-rate": -32, "pm10-rate": -91])
        #expect(Self.terms(ledger, "C区") == ["pm25": -70, "pm10": -190, "pm25-rate": -132, "pm10-rate": -211])
        #expect(Self.terms(ledger, "D区") == ["pm25": -330, "pm10": nil, "pm25-rate": -20, "pm10-rate": nil])
        // The arithmetic behind the amounts.
        let a = try #require(ledger.lines.first { $0.subject == "A区" })
        #expect(a.terms[0].pieces == [.init(quantity: 5, rate: 10)] && a.terms[0].gap == -5 && a.terms[0].baseline?.value == 60)
        #expect(a.terms[2].measured?.value == Decimal(string: "7.1") && a.terms[2].sideNotPaid)
        let b = try #require(ledger.lines.first { $0.subject == "B区" })
        #expect(b.terms[0].pieces == [.init(quantity: 5, rate: 10), .init(quantity: 1, rate: 20)])
        #expect(b.terms[2].baseline?.value == Decimal(string: "3.2") && b.terms[2].gap == Decimal(string: "-3.2"))
        let d = try #require(ledger.lines.first { $0.subject == "D区" })
        #expect(d.terms[2].measured?.value == Decimal(string: "1.2"))
        #expect(d.terms[1].problem == .missing(.pm10, .current, subject: "D区", .invalid(validDays: 24, requiredDays: 27)))
        #expect(!d.isComplete && !ledger.isComplete && ledger.problems.count == 2)
        // Deduct only: nothing is received; the money is kept by the city, no balance is required.
        #expect(ledger.paid == -1239 && ledger.received == 0 && ledger.net == -1239)
    }

    // MARK: Shandong 2017

    @Test("Shandong 2017, quarterly: weights 60/15/15/10 × 80 万元, good-day ratio × 20 万元, coastal × 1.5, zero change, a tie")
    func shandong() throws {
        let scheme = try Self.scheme("shandong-2017")
        #expect(scheme.period == .quarter && scheme.terms.map(\.weight) == [Decimal(string: "0.6"), Decimal(string: "0.15"),
                                                                             Decimal(string: "0.15"), Decimal(string: "0.1"), 1])
        let units = [
            // 青岛 (coastal, × 1.5 on the four concentrations):
            //   PM2.5 50 → 45: +5 × 80 × 0.6 = 240 × 1.5 = +360
            //   PM10 90 → 92: −2 × 80 × 0.15 = −24 × 1.5 = −36
            //   SO2 10 → 10: 0 (the sign boundary: neither paid nor charged)
            //   NO2 35 → 30: +5 × 80 × 0.1 = 40 × 1.5 = +60
            //   good-day ratio 70.0 → 72.5 %: +2.5 pp × 20 = +50 (no coefficient)
            //   青岛 = 360 − 36 + 0 + 60 + 50 = +434.00
            Self.subject("青岛", [.pm25: Figures(current: 45, lastYear: 50), .pm10: Figures(current: 92, lastYear: 90),
                                .so2: Figures(current: 10, lastYear: 10), .no2: Figures(current: 30, lastYear: 35),
                                .goodDaysRatio: Figures(current: Decimal(string: "72.5"), lastYear: 70)]),
            // 济南: PM2.5 70 → 72: −2 × 80 × 0.6 = −96; PM10 130 → 125: +5 × 80 × 0.15 = +60;
            //   SO2 20 → 18: +2 × 80 × 0.15 = +24; NO2 45 → 45: 0; ratio 55.6 → 50.0: −5.6 × 20 = −112.
            //   济南 = −96 + 60 + 24 + 0 − 112 = −124.00
            Self.subject("济南", [.pm25: Figures(current: 72, lastYear: 70), .pm10: Figures(current: 125, lastYear: 130),
                                .so2: Figures(current: 18, lastYear: 20), .no2: Figures(current: 45, lastYear: 45),
                                .goodDaysRatio: Figures(current: 50, lastYear: Decimal(string: "55.6"))]),
            // 淄博: PM2.5 60 → 55, the same +5 as 青岛 but inland: 5 × 80 × 0.6 = +240 (青岛 got 360);
            //   PM10 110 → 110: 0; SO2 15 → 16: −1 × 80 × 0.15 = −12; NO2 40 → 41: −1 × 80 × 0.1 = −8; ratio 60 → 60: 0.
            //   淄博 = 240 − 12 − 8 = +220.00
            Self.subject("淄博", [.pm25: Figures(current: 55, lastYear: 60), .pm10: Figures(current: 110, lastYear: 110),
                                .so2: Figures(current: 16, lastYear: 15), .no2: Figures(current: 41, lastYear: 40),
                                .goodDaysRatio: Figures(current: 60, lastYear: 60)]),
        ]
        let ledger = CompensationLedger(scheme: scheme, input: CompensationInput(period: .quarter(year: 2017, quarter: 2), units: units))
        #expect(Self.amounts(ledger) == ["青岛": 434, "济南": -124, "淄博": 220])
        #expect(Self.terms(ledger, "青岛") == ["pm25": 360, "pm10": -36, "so2": 0, "no2": 60, "good-days": 50])
        #expect(Self.terms(ledger, "济南") == ["pm25": -96, "pm10": 60, "so2": 24, "no2": 0, "good-days": -112])
        #expect(Self.terms(ledger, "淄博") == ["pm25": 240, "pm10": 0, "so2": -12, "no2": -8, "good-days": 0])
        let qingdao = try #require(ledger.lines.first { $0.subject == "青岛" })
        #expect(qingdao.terms[0].coefficients.map(\.value) == [Decimal(string: "1.5")])
        #expect(qingdao.terms[0].coefficients.first?.condition == .unitIn(["青岛", "烟台", "威海", "日照"]))
        #expect(qingdao.terms[4].coefficients.isEmpty)
        #expect(ledger.isComplete && ledger.received == 654 && ledger.paid == -124 && ledger.net == 530)
    }

    // MARK: Anhui 2018 (Anqing)

    static let anqingDistricts: [(String, Decimal)] = [("大观区", 22), ("宜秀区", 23), ("经开区", 25), ("迎江区", 27)]

    static func anqing(pm25: (last: Decimal, now: Decimal), pm10: (last: Decimal, now: Decimal), target: Decimal?,
                       province: (last: Decimal, now: Decimal)? = nil, districts: [(String, Decimal)] = anqingDistricts)
        throws -> CompensationLedger {
        let scheme = try Self.scheme("anhui-2018-anqing")
        let city = Self.subject("安庆", [.pm25: Figures(current: pm25.now, lastYear: pm25.last, target: target),
                                        .pm10: Figures(current: pm10.now, lastYear: pm10.last)])
        let region = province.map { Self.subject("安徽", [.pm25: Figures(current: $0.now, lastYear: $0.last)]) }
        let units = districts.map { Self.subject($0.0, [.pm25: Figures(current: $0.1)]) }
        return CompensationLedger(scheme: scheme, input: CompensationInput(period: .quarter(year: 2018, quarter: 3), units: units,
                                                                            city: city, region: region))
    }

    static func shares(_ ledger: CompensationLedger) -> [String: Decimal] {
        Dictionary(uniqueKeysWithValues: (ledger.split?.shares ?? []).map { ($0.unit, $0.amount) })
    }

    @Test("Anhui 2018: Anqing's published 2018 Q3 — 94.5 万元, passed down 40/30/20/10 % as 37.8, 28.35, 18.9, 9.45")
    func anqingPublished() throws {
        // PM2.5 30 → 24, PM10 47 → 44, quarterly target met (k = 1):
        //   (30 − 24) × 18 × 0.75 = 81; (47 − 44) × 18 × 0.25 = 13.5; 81 + 13.5 = 94.50 万元 (the published figure).
        // Ranked by PM2.5: 大观区 22, 宜秀区 23, 经开区 25, 迎江区 27 → 40 %, 30 %, 20 %, 10 % of 94.5:
        //   37.80, 28.35, 18.90, 9.45 (the published figures); 37.80 + 28.35 + 18.90 + 9.45 = 94.50: balances.
        let ledger = try Self.anqing(pm25: (30, 24), pm10: (47, 44), target: 28)
        #expect(ledger.cityLine?.amount == Decimal(string: "94.5"))
        #expect(ledger.cityLine?.terms.map(\.amount) == [81, Decimal(string: "13.5")])
        #expect(ledger.cityLine?.terms[0].coefficients.first?.condition == .targetMet(.pm25))
        #expect(Self.shares(ledger) == ["大观区": Decimal(string: "37.8"), "宜秀区": Decimal(string: "28.35"),
                                        "经开区": Decimal(string: "18.9"), "迎江区": Decimal(string: "9.45")])
        #expect(ledger.split?.received == true && ledger.split?.balances == true && ledger.isComplete)
        #expect(ledger.received == Decimal(string: "94.5") && ledger.paid == 0)
    }

    @Test("Anhui 2018: a tie shares its positions (30 % + 20 %) / 2; the odd 0.01 goes by largest remainder; the total still balances")
    func anqingTie() throws {
        // 宜秀区 and 经开区 both 24 → both rank 2, positions 2 and 3: (30 + 20) / 2 = 25 % each.
        //   94.5 × 25 % = 23.625 each: truncated 23.62 + 23.62, remainders 0.005 each; 37.80 + 23.62 + 23.62 + 9.45 = 94.49,
        //   0.01 short: it goes to the largest remainder; equal remainders and ranks → by name, 宜秀区 (U+5B9C) before
        //   经开区 (U+7ECF): 宜秀区 23.63, 经开区 23.62. 37.80 + 23.63 + 23.62 + 9.45 = 94.50: balances.
        let ledger = try Self.anqing(pm25: (30, 24), pm10: (47, 44), target: 28,
                                     districts: [("大观区", 22), ("宜秀区", 24), ("经开区", 24), ("迎江区", 27)])
        #expect(Self.shares(ledger) == ["大观区": Decimal(string: "37.8"), "宜秀区": Decimal(string: "23.63"),
                                        "经开区": Decimal(string: "23.62"), "迎江区": Decimal(string: "9.45")])
        let tied = try #require(ledger.split?.shares.first { $0.unit == "经开区" })
        #expect(tied.rank == 2 && tied.positions == [2, 3] && tied.percent == 25 && tied.exact == Decimal(string: "23.625"))
        #expect(ledger.split?.shares.first { $0.unit == "宜秀区" }?.adjustment == Decimal(string: "0.01"))
        #expect(ledger.split?.balances == true)
    }

    @Test("Anhui 2018: target missed, improvement rate equal to the province's (not above) → 0.2; worsened → 1 and pays 10/20/30/40 %")
    func anqingCoefficients() throws {
        // Target 20 missed (24 > 20). Anqing's PM2.5 rate (30 − 24) / 30 × 100 = 20.0 %; the province's (50 − 40) / 50 × 100
        // = 20.0 %: equal, not above → not 0.5; PM2.5 fell → 0.2. 94.5 × 0.2 = 18.90; split 7.56, 5.67, 3.78, 1.89 = 18.90.
        let equal = try Self.anqing(pm25: (30, 24), pm10: (47, 44), target: 20, province: (50, 40))
        #expect(equal.cityLine?.terms[0].coefficients.first?.value == Decimal(string: "0.2"))
        #expect(equal.cityLine?.amount == Decimal(string: "18.9"))
        #expect(Self.shares(equal) == ["大观区": Decimal(string: "7.56"), "宜秀区": Decimal(string: "5.67"),
                                       "经开区": Decimal(string: "3.78"), "迎江区": Decimal(string: "1.89")])
        // One step better than the province (province 50 → 41: 18.0 %) → 0.5: 94.5 × 0.5 = 47.25.
        let above = try Self.anqing(pm25: (30, 24), pm10: (47, 44), target: 20, province: (50, 41))
        #expect(above.cityLine?.amount == Decimal(string: "47.25"))
        // Worse: PM2.5 24 → 30, PM10 44 → 47: −6 × 18 × 0.75 − 3 × 18 × 0.25 = −81 − 13.5 = −94.50, k = 1 (worsened);
        // paid by rank 10/20/30/40 %: 大观区 −9.45, 宜秀区 −18.90, 经开区 −28.35, 迎江区 −37.80 = −94.50.
        let worse = try Self.anqing(pm25: (24, 30), pm10: (44, 47), target: 20, province: (50, 41))
        #expect(worse.cityLine?.amount == Decimal(string: "-94.5") && worse.split?.received == false)
        #expect(Self.shares(worse) == ["大观区": Decimal(string: "-9.45"), "宜秀区": Decimal(string: "-18.9"),
                                       "经开区": Decimal(string: "-28.35"), "迎江区": Decimal(string: "-37.8")])
        #expect(worse.paid == Decimal(string: "-94.5") && worse.split?.balances == true)
        // Without a target, the first rule cannot be decided: the amount is not computed, never guessed.
        let unknown = try Self.anqing(pm25: (30, 24), pm10: (47, 44), target: nil)
        #expect(unknown.split == nil && unknown.splitProblem == .cityIncomplete && !unknown.isComplete)
        #expect(unknown.cityLine?.terms[0].problem == .missing(.pm25, .target, subject: "安庆", .notProvided))
        // Five districts for four shares: refused, not spread somehow.
        let five = try Self.anqing(pm25: (30, 24), pm10: (47, 44), target: 28, districts: Self.anqingDistricts + [("高新区", 30)])
        #expect(five.splitProblem == .shareCount(shares: 4, units: 5))
    }

    // MARK: Hubei 2018

    @Test("Hubei 2018, annual: M = (A上年 − A本年)·m·k + (B上年 − B本年)·m·k with the example m = 50, k = 1; zero change; a tie")
    func hubei() throws {
        let scheme = try Self.scheme("hubei-2018")
        #expect(scheme.period == .year && scheme.unconfirmed.first?.contains("示例值") == true)
        let units = [
            // 武汉: A (PM10) 90 → 85: 5 × 50 × 1 = 250; B (PM2.5) 55 → 52: 3 × 50 × 1 = 150; M = +400.00
            Self.subject("武汉", [.pm10: Figures(current: 85, lastYear: 90), .pm25: Figures(current: 52, lastYear: 55)]),
            // 襄阳: A 100 → 104: −4 × 50 = −200; B 60 → 60: 0 (the sign boundary); M = −200.00
            Self.subject("襄阳", [.pm10: Figures(current: 104, lastYear: 100), .pm25: Figures(current: 60, lastYear: 60)]),
            // 宜昌: the same changes as 武汉 from other levels (A 80 → 75, B 50 → 47): tied, the same +400.00
            Self.subject("宜昌", [.pm10: Figures(current: 75, lastYear: 80), .pm25: Figures(current: 47, lastYear: 50)]),
            // 黄石: no last year for PM2.5 → that term is not computed; A 70 → 70: 0. M = 0.00, incomplete.
            Self.subject("黄石", [.pm10: Figures(current: 70, lastYear: 70), .pm25: Figures(current: 45, lastYear: nil, lastYearAbsence: .noData)]),
        ]
        let ledger = CompensationLedger(scheme: scheme, input: CompensationInput(period: .year(2018), units: units))
        #expect(Self.amounts(ledger) == ["武汉": 400, "襄阳": -200, "宜昌": 400, "黄石": 0])
        #expect(Self.terms(ledger, "襄阳") == ["pm10": -200, "pm25": 0])
        #expect(Self.terms(ledger, "黄石") == ["pm10": 0, "pm25": nil])
        #expect(ledger.lines.first { $0.subject == "黄石" }?.terms[1].problem == .missing(.pm25, .lastYear, subject: "黄石", .noData))
        #expect(ledger.received == 800 && ledger.paid == -200 && !ledger.isComplete)
    }

    // MARK: The scheme file

    static func refusal(_ json: String) -> String {
        do {
            _ = try CompensationScheme.parse(Array(json.utf8), file: "s.json")
            return "accepted"
        } catch {
            return error.description
        }
    }

    static let minimal = #"{"scheme":"x","title":"X","period":"month","terms":[TERM]}"#
    static func with(_ term: String) -> String { minimal.replacingOccurrences(of: "TERM", with: term) }

    @Test("a scheme file with a mistake is refused naming the file, the term and the field")
    func refusals() {
        #expect(Self.refusal(#"{"scheme":"x","title":"X","period":"monthly","terms":[]}"#)
                == "s.json: field 'period': 'monthly' is not one of month, quarter, year; did you mean 'month'?")
        #expect(Self.refusal(Self.with(#"{"id":"a","indicator":"pm25","measure":"change","baseline":"none","rate":1}"#))
                .hasPrefix("s.json: term 'a': field 'indicator': 'pm25' is not one of pm2.5, pm10"))
        #expect(Self.refusal(Self.with(#"{"id":"a","indicator":"pm2.5","measure":"concentration","baseline":"none","rate":1}"#))
                .contains("term 'a': field 'baseline': a concentration is compared with the city"))
        #expect(Self.refusal(Self.with(#"{"id":"a","indicator":"pm2.5","measure":"change","baseline":"none","tiers":[{"up_to":5,"rate":1},{"up_to":4,"rate":2},{"rate":3}]}"#))
                == "s.json: term 'a' tier #2: field 'up_to': must be above the previous tier's bound (5)")
        #expect(Self.refusal(Self.with(#"{"id":"a","indicator":"pm2.5","measure":"change","baseline":"none","tiers":[{"up_to":5,"rate":1}]}"#))
                .contains("the last tier has no bound"))
        #expect(Self.refusal(Self.with(#"{"id":"a","indicator":"pm2.5","measure":"change","baseline":"none","rate":-1}"#))
                .hasPrefix("s.json: term 'a': field 'rate': must be"))
        #expect(Self.refusal(Self.with(#"{"id":"a","indicator":"pm2.5","measure":"change","baseline":"none","rate":1,"coefficients":["kk"]}"#))
                == "s.json: term 'a': field 'coefficients': no coefficient 'kk' is defined")
        #expect(Self.refusal(Self.with(#"{"id":"a","indicator":"pm2.5","measure":"change","baseline":"none","rate":1,"wieght":2}"#))
                == "s.json: term 'a': field 'wieght': unknown field; did you mean 'weight'?")
        #expect(Self.refusal(#"{"scheme":"x","title":"X","period":"month","applies_to":"city","terms":[{"id":"a","indicator":"pm2.5","measure":"change","baseline":"none","rate":1}]}"#)
                .contains("field 'split': a scheme that applies to the city needs a split"))
        #expect(Self.refusal(#"{"scheme":"x","title":"X","period":"month","applies_to":"city","terms":[{"id":"a","indicator":"pm2.5","measure":"change","baseline":"none","rate":1}],"split":{"rank_by":"pm2.5","when_received":[50,40],"when_paid":[50,50]}}"#)
                == "s.json: split: field 'when_received': the shares sum to 90, not 100: every 万元 must be passed down")
        #expect(Self.refusal(#"{"scheme":"x","title":"X","period":"month","unit":"元","terms":[]}"#).contains("amounts are in 万元"))
        #expect(Self.refusal(#"{"scheme":"x","title":"X","period":"month","coefficients":[{"id":"k","rules":[{"when":"target-met","value":1}]}],"terms":[]}"#)
                == "s.json: coefficient 'k' rule #1: field 'indicator': is required")
        #expect(Self.refusal("{").hasPrefix("s.json: not valid JSON"))
    }

    @Test("numbers are kept as the decimals they were written as: 0.1 + 0.2 is 0.3, not 0.30000000000000004")
    func exactDecimals() throws {
        let json = #"{"scheme":"x","title":"X","period":"month","terms":[{"id":"a","indicator":"pm2.5","measure":"change","baseline":"none","weight":0.1,"rate":3},{"id":"b","indicator":"pm2.5","measure":"change","baseline":"none","weight":0.2,"rate":3}]}"#
        let scheme = try CompensationScheme.parse(Array(json.utf8), file: "s.json")
        // 1 µg/m³ better: 1 × 3 × 0.1 + 1 × 3 × 0.2 = 0.3 + 0.6 = 0.9 exactly.
        let ledger = CompensationLedger(scheme: scheme, input: CompensationInput(
            period: .month(Month(year: 2019, month: 1)!), units: [Self.subject("u", [.pm25: Figures(current: 9, lastYear: 10)])]))
        #expect(ledger.lines[0].exact == Decimal(string: "0.9"))
        #expect(CompensationMoney.fixed(Decimal(string: "94.5")!, 2) == "94.50" && CompensationMoney.fixed(-110, 2) == "-110.00")
        #expect(CompensationMoney.round(Decimal(string: "0.125")!, 2) == Decimal(string: "0.12"), "half to even")
        #expect(CompensationMoney.round(Decimal(string: "0.135")!, 2) == Decimal(string: "0.14"))
    }
}

/// `haze compensation` end to end: a hand-made store of two Januaries, where
/// every figure and amount is worked out by hand, and the bundled sample.
@Suite("Compensation: haze compensation on a store", .onTestThreads, .serialized)
struct CompensationCommandTests {
    /// City 测试 with districts A区, B区, C区 (one station each), PM2.5 and PM10 constant over
    /// January 2018 and January 2019, every hour present:
    ///
    ///           PM2.5 2018 → 2019    PM10 2018 → 2019
    ///   A区        70 → 70             105 → 100
    ///   B区        55 → 50              90 → 90
    ///   C区        63 → 60             120 → 110
    ///   city   (70+55+63)/3 = 62.67 → 63 → (70+50+60)/3 = 60;  PM10 (105+90+120)/3 = 105 → 100
    static let fixture: (store: String, stations: String) = {
        let root = TestPaths.temporaryDirectory("haze-compensation")
        let stations = root + "/stations"
        try? FileManager.default.createDirectory(atPath: stations, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: stations + "/test.csv", contents: Data("""
        code,name,city,district,longitude,latitude,control
        SA,站A,测试,A区,,,
        SB,站B,测试,B区,,,
        SC,站C,测试,C区,,,

        """.utf8))
        let values: [String: [Pollutant: (Int, Int)]] = [
            "SA": [.pm25: (70, 70), .pm10: (105, 100)],
            "SB": [.pm25: (55, 50), .pm10: (90, 90)],
            "SC": [.pm25: (63, 60), .pm10: (120, 110)],
        ]
        do {
            let store = try Store(directory: root + "/store", access: .readWrite,
                                  creating: StoreConfiguration(hourlyCapacity: 420 * 24, dailyCapacity: 800))
            for (yearIndex, year) in [2018, 2019].enumerated() {
                var readings: [StoredReading] = []
                for (code, byPollutant) in values {
                    for (pollutant, pair) in byPollutant {
                        let id = try store.resolve([SeriesKey(station: code, pollutant: pollutant)])[0]
                        for d in 1...31 {
                            for h in 0..<24 {
                                let day = Day(CivilDate(year: year, month: 1, day: d)!)
                                readings.append(StoredReading(series: id, hour: store.calendar.hours(of: day).lowerBound.advanced(by: h),
                                                              value: yearIndex == 0 ? pair.0 : pair.1))
                            }
                        }
                    }
                }
                _ = try store.write(readings, policy: .advanceAsNeeded)
            }
        } catch {
            Issue.record("fixture: \(error)")
        }
        return (root + "/store", stations)
    }()

    static func run(_ arguments: [String]) -> InProcess {
        InProcess(["compensation", "--store", fixture.store, "--stations", fixture.stations] + arguments)
    }

    static let zhengzhou = TestPaths.fixtures + "/compensation/henan-zhengzhou-2020.json"

    @Test("Zhengzhou's scheme on two hand-made Januaries: every amount as worked by hand, complete, exit 0")
    func handMade() async throws {
        // City rates: PM2.5 (63 − 60) / 63 × 100 = 4.76… → 4.8 %; PM10 (105 − 100) / 105 × 100 = 4.76… → 4.8 %.
        // A区: PM2.5 60 − 70 = −10 → 5×10 + 5×20 = 150 → −150; rate (70 − 70) / 70 = 0.0, 0.0 − 4.8 = −4.8 → 48 → −48;
        //      PM10 100 − 100 = 0 → 0; rate (105 − 100) / 105 × 100 = 4.8, 4.8 − 4.8 = 0 → 0.        A区 = −198.00
        // B区: PM2.5 60 − 50 = +10 better → 0; rate (55 − 50) / 55 × 100 = 9.1, +4.3 better → 0;
        //      PM10 100 − 90 = +10 → 0; rate 0.0 − 4.8 = −4.8 → −48.                                   B区 = −48.00
        // C区: PM2.5 60 − 60 = 0; rate (63 − 60) / 63 × 100 = 4.8, 0 → 0;
        //      PM10 100 − 110 = −10 → 150 → −150; rate (120 − 110) / 120 × 100 = 8.3, +3.5 → 0.          C区 = −150.00
        // Paid −396.00, received 0.
        let json = Self.run(["--scheme", Self.zhengzhou, "--month", "2019-01", "--city", "测试", "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let units = try #require(object["units"] as? [[String: Any]])
        let amounts = Dictionary(uniqueKeysWithValues: units.map { ($0["unit"] as? String ?? "", $0["amount"] as? Int ?? 999) })
        #expect(amounts == ["A区": -198, "B区": -48, "C区": -150])
        #expect(object["complete"] as? Bool == true)
        #expect((object["totals"] as? [String: Any])?["paid"] as? Int == -396)
        let a = try #require(units.first { $0["unit"] as? String == "A区" }?["terms"] as? [[String: Any]])
        #expect(a[0]["baseline_value"] as? Int == 60 && a[0]["value"] as? Int == 70 && a[0]["gap"] as? Int == -10)
        #expect(a[2]["value"] as? Double == 0 || a[2]["value"] as? Int == 0)
        #expect(a[2]["baseline_value"] as? Double == 4.8)
        // The table prints the arithmetic a person can redo.
        let table = Self.run(["--scheme", Self.zhengzhou, "--month", "2019-01", "--city", "测试"])
        #expect(table.status == 0 && table.stderr.isEmpty)
        #expect(table.stdout.contains("A区  合计 -198.00 万元（支付）"))
        #expect(table.stdout.contains("PM2.5 月均浓度：市 60 − 本期 70 = -10 µg/m³；扣 5×10 + 5×20 = 150 → -150"))
        #expect(table.stdout.contains("PM2.5 同比改善率：PM2.5 改善率 (70 − 70) / 70 × 100 = 0%；市改善率 (63 − 60) / 63 × 100 = 4.8%；0 − 4.8 = -4.8 个百分点；扣 4.8×10 = 48 → -48"))
        #expect(table.stdout.contains("B区  合计 -48.00 万元（支付）"))
        #expect(table.stdout.contains("合计：支付 -396.00 万元（3 个单位），获得 0.00 万元（0 个单位），净额 -396.00 万元。"))
        #expect(table.stdout.contains("未经正式文件确认：两项同比改善率的扣款标准未见原文"))
        // CSV (with the mark) and the workbook carry the same amounts.
        let dir = TestPaths.temporaryDirectory("haze-compensation-out")
        let csv = Self.run(["--scheme", Self.zhengzhou, "--month", "2019-01", "--city", "测试", "--format", "csv", "--bom", "--out", dir + "/l.csv"])
        #expect(csv.status == 0)
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir + "/l.csv")))
        #expect(Array(bytes.prefix(3)) == [0xEF, 0xBB, 0xBF])
        let text = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        #expect(text.contains("2019-01,henan-zhengzhou-2020,total,A区,,,,,,,,-198.00,true,"))
        let xlsx = Self.run(["--scheme", Self.zhengzhou, "--month", "2019-01", "--city", "测试", "--format", "xlsx", "--out", dir + "/l.xlsx"])
        #expect(xlsx.status == 0)
        let sheets = await SpreadsheetReader.sheets(try SpreadsheetReader.read(dir + "/l.xlsx"))
        let rows = try #require(sheets.first?["rows"] as? [[[String: Any]]])
        let total = try #require(rows.first { $0[2]["v"] as? String == "total" && $0[3]["v"] as? String == "A区" })
        #expect(total[11]["t"] as? String == "n" && total[11]["v"] as? Int == -198 && SpreadsheetReader.csvText(total[11]) == "-198.00")
    }

    @Test("the bundled sample: Beijing's districts, January 2019 — the concentration terms by hand, no last year: incomplete, exit 1")
    func sample() throws {
        let run = InProcess(["compensation", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                             "--scheme", Self.zhengzhou, "--month", "2019-01", "--city", "北京"])
        #expect(run.status == 1)
        #expect(run.stderr.contains("核算不完整：19 项未能计算"))
        // Beijing 52 (the published figure) and 东城区's 61 and 79 from the ranking (days of hours 1–24):
        // 52 − 61 = −9 → 5×10 + 4×20 = 130; 77 − 79 = −2 → 2×10 = 20; −150 in all.
        #expect(run.stdout.contains("东城区  合计 -150.00 万元（支付）（不完整：2 项未能计算）"))
        #expect(run.stdout.contains("PM2.5 月均浓度：市 52 − 本期 61 = -9 µg/m³；扣 5×10 + 4×20 = 130 → -130"))
        #expect(run.stdout.contains("PM10 月均浓度：市 77 − 本期 79 = -2 µg/m³；扣 2×10 = 20 → -20"))
        #expect(run.stdout.contains("PM2.5 同比改善率：无法计算：东城区 去年同期 PM2.5 无数据"))
        #expect(run.stdout.contains("昌平区 本期 PM2.5 无效（有效天数 24/27）"))
        // 东城 −150, 朝阳 −(20 + 50), 海淀 −170 (PM10 88: 5×10 + 6×20), 石景山 −50, 西城 −(130 + 130).
        #expect(run.stdout.contains("合计：支付 -700.00 万元（5 个单位）"))
        // The district figures equal the ranking's published values.
        let rank = InProcess(["rank", "--store", SharedStore.national.directory, "--stations", TestPaths.stations,
                              "--month", "2019-01", "--city", "北京", "--pollutant", "pm2.5", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(rank.stdout.utf8)) as? [String: Any])
        let entries = try #require((object["rankings"] as? [[String: Any]])?.first?["entries"] as? [[String: Any]])
        #expect(entries.first { $0["unit"] as? String == "东城区" }?["mean"] as? Int == 61)
    }

    @Test("the period must be the scheme's; missing options and a bad scheme are refused before anything is read")
    func refusals() throws {
        let quarter = Self.run(["--scheme", Self.zhengzhou, "--quarter", "2019Q1", "--city", "测试"])
        #expect(quarter.status == 64 && quarter.stderr.contains("settles by month, not by quarter: give --month YYYY-MM"))
        let noPeriod = Self.run(["--scheme", Self.zhengzhou, "--city", "测试"])
        #expect(noPeriod.status == 64 && noPeriod.stderr.contains("give --month YYYY-MM"))
        let badQuarter = Self.run(["--scheme", TestPaths.fixtures + "/compensation/shandong-2017.json", "--quarter", "2019Q5", "--city", "测试"])
        #expect(badQuarter.status == 64 && badQuarter.stderr.contains("--quarter: '2019Q5' is not a quarter"))
        let both = Self.run(["--scheme", Self.zhengzhou, "--month", "2019-01", "--year", "2019", "--city", "测试"])
        #expect(both.status == 64)
        let noScheme = Self.run(["--month", "2019-01", "--city", "测试"])
        #expect(noScheme.status == 64 && noScheme.stderr.contains("needs --scheme FILE"))
        let dir = TestPaths.temporaryDirectory("haze-compensation-bad")
        _ = FileManager.default.createFile(atPath: dir + "/s.json", contents: Data(#"{"scheme":"x","title":"X","period":"month","terms":[{"id":"a","indicator":"pm2.5","measure":"change","baseline":"none","rate":1,"weigth":2}]}"#.utf8))
        let bad = Self.run(["--scheme", dir + "/s.json", "--month", "2019-01", "--city", "测试"])
        #expect(bad.status == 65 && bad.stderr.contains("s.json: term 'a': field 'weigth': unknown field; did you mean 'weight'?"))
        let unknownCity = Self.run(["--scheme", Self.zhengzhou, "--month", "2019-01", "--city", "测验"])
        #expect(unknownCity.status == 65 && unknownCity.stderr.contains("no city '测验' in the registry"))
    }
}

extension CompensationTests {
    @Test("the report of a split prints each share's arithmetic, the tie, the rounding step and the balance")
    func splitReport() throws {
        let ledger = try Self.anqing(pm25: (30, 24), pm10: (47, 44), target: 28,
                                     districts: [("大观区", 22), ("宜秀区", 24), ("经开区", 24), ("迎江区", 27)])
        let table = CompensationReport(ledger: ledger, language: .zh, scopeLabel: "安庆市各区").table()
        #expect(table.contains("市级：安庆  合计 +94.50 万元（获得）"))
        #expect(table.contains("PM2.5 季均浓度同比变化：PM2.5 改善 30 − 24 = 6 µg/m³；得 6×18 = 108 × 权重 0.75 = 81 × 目标修正系数 1（完成PM2.5目标） = 81 → 81"))
        #expect(table.contains("第1名 大观区（PM2.5 22 µg/m³），份额 40%：94.5 × 40% = 37.8 → +37.80 万元"))
        #expect(table.contains("第2名 宜秀区（PM2.5 24 µg/m³），并列，第2、3位份额 30% + 20% 平分 = 25%：94.5 × 25% = 23.625 → 23.62 +0.01（尾差，余数最大） → +23.63 万元"))
        #expect(table.contains("平衡：分配合计 +94.50 万元 = 市级金额 +94.50 万元"))
        let english = CompensationReport(ledger: ledger, language: .en).table()
        #expect(english.contains("Balance: the split adds up to +94.50 万元 = the city's +94.50 万元"))
        let json = try #require(try JSONSerialization.jsonObject(with: Data(CompensationReport(ledger: ledger).json().utf8)) as? [String: Any])
        let split = try #require(json["split"] as? [String: Any])
        #expect(split["balances"] as? Bool == true && split["total"] as? Double == 94.5)
    }
}
