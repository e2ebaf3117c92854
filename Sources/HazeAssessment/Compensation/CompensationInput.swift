import Foundation

/// What a ledger is computed from: per subject (each unit, the city they
/// make up, and the region the city belongs to) and per indicator, the
/// published figure of the period, of the same period last year, and the
/// subject's target — fed by rankings of any indicator and level, or by hand.
public struct CompensationInput: Sendable {
    /// Why a figure is absent.
    public enum Absence: Sendable, Equatable {
        /// No data at all for the period.
        case noData
        /// Data, but too few valid days for a published value.
        case invalid(validDays: Int, requiredDays: Int)
        /// Not given to the ledger (e.g. an indicator not computed yet, a target not supplied).
        case notProvided
    }

    /// One indicator's figures for one subject.
    public struct Figures: Sendable, Equatable {
        /// The published figure of the period; nil when absent (see `currentAbsence`).
        public var current: Decimal?
        package var lastYear: Decimal?
        /// The subject's target for the indicator; nil when none was given.
        public var target: Decimal?
        /// Why `current` is nil.
        var currentAbsence: Absence?
        /// Why `lastYear` is nil.
        var lastYearAbsence: Absence?

        /// A subject's figures for one indicator; an absence says why a figure is nil (`.notProvided` when not given).
        public init(current: Decimal?, lastYear: Decimal? = nil, target: Decimal? = nil,
                    currentAbsence: Absence? = nil, lastYearAbsence: Absence? = nil) {
            self.current = current
            self.lastYear = lastYear
            self.target = target
            self.currentAbsence = current == nil ? currentAbsence ?? .notProvided : nil
            self.lastYearAbsence = lastYear == nil ? lastYearAbsence ?? .notProvided : nil
        }
    }

    /// A unit, the city or the region, with its figures by indicator.
    public struct Subject: Sendable, Equatable {
        /// The subject's name as the scheme and reports write it (a unit, the city, the region).
        public var name: String
        /// Its figures, by indicator.
        public var figures: [CompensationIndicator: Figures]

        /// A subject and its figures by indicator.
        public init(name: String, figures: [CompensationIndicator: Figures]) {
            self.name = name
            self.figures = figures
        }
    }

    /// The settlement period the figures are of.
    public var period: CompensationPeriod
    /// The units that pay or receive (districts, counties, cities), in report order.
    public var units: [Subject]
    /// The city the units make up: the "city mean" baseline, and, for schemes
    /// that apply to the city, the subject whose amount is split.
    public var city: Subject?
    /// The area the city is compared with (e.g. the province), for coefficients
    /// comparing a city's improvement with its region's.
    package var region: Subject?

    /// Input for a ledger: the units' figures, and those of the city and the region when a term or coefficient compares with them.
    public init(period: CompensationPeriod, units: [Subject], city: Subject? = nil, region: Subject? = nil) {
        self.period = period
        self.units = units
        self.city = city
        self.region = region
    }
}
