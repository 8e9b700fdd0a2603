package dev.paygate.contracts;

import java.util.Set;

/** API versions selected by the {@code X-Version} header. */
public final class ApiVersions {

    public static final String V2023_10_31 = "2023-10-31";
    public static final String DEFAULT = V2023_10_31;
    public static final Set<String> SUPPORTED = Set.of(V2023_10_31);

    private ApiVersions() {}
}
