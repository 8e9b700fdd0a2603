package dev.paygate.webhook.ssrf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** Resolves a host name; injectable, so tests can make a name resolve to any address without DNS. */
@FunctionalInterface
public interface HostResolver {

    List<InetAddress> resolve(String host) throws UnknownHostException;

    /** The JDK's resolver (the system's DNS and hosts file). */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
