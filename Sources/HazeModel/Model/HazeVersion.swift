/// The version of haze, for `--version`, User-Agent headers and report footers.
public enum HazeVersion {
    /// The release, as `major.minor.patch`.
    public static let current = "0.2.0"
}
