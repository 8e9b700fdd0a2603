package dev.paygate.bench;

import dev.paygate.bench.FaultCatalogue.Settings;
import java.util.List;

/** The fault suite's figures: one {@link Row} per scenario, and the Markdown table docs/reliability.md and docs/scaling-out.md show. */
final class FaultReport {

    /** One scenario's figures; the zero columns must be zero. */
    record Row(
            String scenario,
            long requests,
            long accepted,
            long retried,
            long unresolved,
            long lost,
            long duplicated,
            long overRefunds,
            long unexpected5xx,
            long unavailable5xx,
            long shed,
            long eventsMissing,
            long webhooksMissing,
            long bankMismatches,
            double recoverySeconds,
            double ratePerSecondBefore,
            double ratePerSecondDuring,
            List<String> examples) {

        boolean clean() {
            return unresolved == 0
                    && lost == 0
                    && duplicated == 0
                    && overRefunds == 0
                    && unexpected5xx == 0
                    && eventsMissing == 0
                    && webhooksMissing == 0
                    && bankMismatches == 0;
        }
    }

    static String table(Settings settings, List<Row> rows) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(
                "%nfault suite (%s: %s): %.0f requests/s offered (70%% refunds, 15%% cancels, 15%% expiries), "
                        + "fault after %d s, load %d s after it is undone%n%n",
                settings.name(),
                settings.topology().describe(),
                settings.rate(),
                settings.before().toSeconds(),
                settings.after().toSeconds()));
        t.append(
                "| scenario | requests | accepted | final answer by retry | unresolved | lost | duplicated | over-refunds"
                        + " | 5xx | 503 / no answer (retried) | shed (503 overloaded) | events missing | webhooks missing"
                        + " | bank ≠ ledger | accepted/s before / during | recovered in |\n");
        t.append(
                "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
                        + "| ---: |\n");
        for (Row r : rows) {
            t.append(String.format(
                    "| %s | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %d | %s / %s " + "| %.1f s |%n",
                    r.scenario(),
                    r.requests(),
                    r.accepted(),
                    r.retried(),
                    r.unresolved(),
                    r.lost(),
                    r.duplicated(),
                    r.overRefunds(),
                    r.unexpected5xx(),
                    r.unavailable5xx(),
                    r.shed(),
                    r.eventsMissing(),
                    r.webhooksMissing(),
                    r.bankMismatches(),
                    rate(r.ratePerSecondBefore()),
                    rate(r.ratePerSecondDuring()),
                    r.recoverySeconds()));
        }
        for (Row r : rows) {
            if (!r.examples().isEmpty()) {
                t.append(String.format("%n%s: %s", r.scenario(), r.examples()));
            }
        }
        return t.append('\n').toString();
    }

    static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "–" : String.format("%.0f", perSecond);
    }

    private FaultReport() {}
}
