using SharpTrace.Output;

namespace SharpTrace.Tests.Output;

/// <summary>
/// strftime conversions for time() and strftime(): the expected texts come from glibc's strftime (run through
/// Python's time.strftime with TZ=Europe/Berlin), not from our formatter.
/// </summary>
public class StrftimeFormatTests
{
    // Sunday 2026-01-04 07:05:09 CET (+0100), 1767506709 seconds after the epoch.
    private static readonly LocalTime Winter = new(new DateTime(2026, 1, 4, 7, 5, 9), TimeSpan.FromHours(1), "CET");

    // Wednesday 2026-07-15 23:59:01 CEST (+0200), 1784152741 seconds after the epoch.
    private static readonly LocalTime Summer = new(new DateTime(2026, 7, 15, 23, 59, 1), TimeSpan.FromHours(2), "CEST");

    [Theory]
    [InlineData("%a %A %b %B %h", "Sun Sunday Jan January Jan")]
    [InlineData("%c", "Sun Jan  4 07:05:09 2026")]
    [InlineData("%C %d %D %e %F", "20 04 01/04/26  4 2026-01-04")]
    [InlineData("%g %G %V", "26 2026 01")]
    [InlineData("%H %I %j %k %l", "07 07 004  7  7")]
    [InlineData("%m %M %p %P %r %R", "01 05 AM am 07:05:09 AM 07:05")]
    [InlineData("%s %S %T %u %U %w %W", "1767506709 09 07:05:09 7 01 0 00")]
    [InlineData("%x %X %y %Y %z %Z", "01/04/26 07:05:09 26 2026 +0100 CET")]
    [InlineData("%%|%n|%t|%Q|%-Q|%", "%|\n|\t|%Q|%-Q|%")]
    [InlineData("%-d %_H %05e %-5d %3j %10A %^a %#b %#p %#Z %Ey %Od %5Y", "4  7 00004     4 004     Sunday SUN JAN am cet 26 04 02026")]
    public void WinterMorningFormatsAsGlibcDoes(string format, string expected) =>
        Assert.Equal(expected, StrftimeFormat.Format(format, Winter));

    [Theory]
    [InlineData("%a %A %b %B %h", "Wed Wednesday Jul July Jul")]
    [InlineData("%c", "Wed Jul 15 23:59:01 2026")]
    [InlineData("%H %I %j %k %l", "23 11 196 23 11")]
    [InlineData("%m %M %p %P %r %R", "07 59 PM pm 11:59:01 PM 23:59")]
    [InlineData("%s %S %T %u %U %w %W", "1784152741 01 23:59:01 3 28 3 28")]
    [InlineData("%x %X %y %Y %z %Z", "07/15/26 23:59:01 26 2026 +0200 CEST")]
    [InlineData("%-d %_H %05e %-5d %3j %10A %^a %#b %#p %#Z %Ey %Od %5Y", "15 23 00015    15 196  Wednesday WED JUL pm cest 26 15 02026")]
    public void SummerNightFormatsAsGlibcDoes(string format, string expected) =>
        Assert.Equal(expected, StrftimeFormat.Format(format, Summer));

    [Fact]
    public void NewYearsDayMayBelongToTheLastIsoWeekOfThePreviousYear()
    {
        var time = new LocalTime(new DateTime(2027, 1, 1), TimeSpan.FromHours(1), "CET");

        Assert.Equal("2026 26 53 00 00 001 12 12 AM", StrftimeFormat.Format("%G %g %V %U %W %j %I %l %p", time));
    }

    [Fact]
    public void BpftraceMicrosecondsConversionPrintsSixDigits()
    {
        var time = new LocalTime(new DateTime(2026, 1, 4, 7, 5, 9).AddTicks(2140640), TimeSpan.Zero, "UTC");

        Assert.Equal("07:05:09.214064", StrftimeFormat.Format("%H:%M:%S.%f", time, microseconds: true));
    }

    [Theory]
    [InlineData("CET-1CEST,M3.5.0,M10.5.0/3", "CET", "CEST")]
    [InlineData("UTC0", "UTC", null)]
    [InlineData("<+0530>-5:30", "+0530", null)]
    [InlineData("EST5EDT,M3.2.0,M11.1.0", "EST", "EDT")]
    public void ZoneNamesComeFromThePosixRule(string rule, string standard, string? daylight) =>
        Assert.Equal(new ZoneAbbreviations(standard, daylight), ZoneAbbreviations.Parse(rule));
}
