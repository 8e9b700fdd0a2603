package dev.paygate.webhook.ssrf;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * Which addresses a webhook may not be sent to (SSRF): loopback, private, link-local, CGNAT, multicast and
 * reserved ranges, in IPv4 and IPv6 (IPv4-mapped IPv6 addresses are judged as their IPv4 address).
 */
final class AddressPolicy {

    private AddressPolicy() {}

    /** Why {@code address} is refused, or empty when it may be used. */
    public static Optional<String> refusal(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            byte[] b = v6.getAddress();
            if (isIpv4Mapped(b)) {
                return refusal4(new byte[] {b[12], b[13], b[14], b[15]});
            }
            if (v6.isLoopbackAddress()) {
                return Optional.of("loopback");
            }
            if (v6.isAnyLocalAddress()) {
                return Optional.of("unspecified");
            }
            if (v6.isLinkLocalAddress()) {
                return Optional.of("link-local");
            }
            if (v6.isMulticastAddress()) {
                return Optional.of("multicast");
            }
            if ((b[0] & 0xfe) == 0xfc) {
                return Optional.of("private (unique local)");
            }
            if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
                return Optional.of("reserved (documentation)");
            }
            return Optional.empty();
        }
        return refusal4(address.getAddress());
    }

    private static Optional<String> refusal4(byte[] b) {
        int a0 = b[0] & 0xff;
        int a1 = b[1] & 0xff;
        if (a0 == 127) {
            return Optional.of("loopback");
        }
        if (a0 == 10 || (a0 == 172 && a1 >= 16 && a1 <= 31) || (a0 == 192 && a1 == 168)) {
            return Optional.of("private");
        }
        if (a0 == 169 && a1 == 254) {
            return Optional.of("link-local");
        }
        if (a0 == 100 && a1 >= 64 && a1 <= 127) {
            return Optional.of("CGNAT");
        }
        if (a0 == 0) {
            return Optional.of("unspecified");
        }
        if (a0 >= 224) {
            return Optional.of(a0 < 240 ? "multicast" : "reserved");
        }
        if ((a0 == 192 && a1 == 0 && (b[2] & 0xff) == 0)
                || (a0 == 192 && a1 == 0 && (b[2] & 0xff) == 2)
                || (a0 == 198 && (a1 == 18 || a1 == 19))
                || (a0 == 198 && a1 == 51 && (b[2] & 0xff) == 100)
                || (a0 == 203 && a1 == 0 && (b[2] & 0xff) == 113)) {
            return Optional.of("reserved");
        }
        return Optional.empty();
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
    }
}
