package dev.paygate.webhook.ssrf;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The SSRF guard at send time, after DNS resolution: the connection can only go to an address that was
 * resolved here and passed {@link AddressPolicy}, so a name that resolves to a private address (or is made to,
 * between a check and the connection) is never connected to.
 */
public class GuardedResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final HostResolver hosts;

    public GuardedResolverGroup(HostResolver hosts) {
        this.hosts = hosts;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new Guarded(executor, hosts).asAddressResolver();
    }

    /** Throws {@link RefusedAddressException} unless {@code address} may be used. */
    public static void check(String host, InetAddress address) throws RefusedAddressException {
        Optional<String> refusal = AddressPolicy.refusal(address);
        if (refusal.isPresent()) {
            throw new RefusedAddressException("refused by the SSRF guard: " + host + " is " + address.getHostAddress()
                    + " (" + refusal.get() + ")");
        }
    }

    private static final class Guarded extends InetNameResolver {

        private final HostResolver hosts;

        Guarded(EventExecutor executor, HostResolver hosts) {
            super(executor);
            this.hosts = hosts;
        }

        @Override
        protected void doResolve(String host, Promise<InetAddress> promise) {
            try {
                List<InetAddress> allowed = allowed(host);
                promise.setSuccess(allowed.get(0));
            } catch (Exception e) {
                promise.setFailure(e);
            }
        }

        @Override
        protected void doResolveAll(String host, Promise<List<InetAddress>> promise) {
            try {
                promise.setSuccess(allowed(host));
            } catch (Exception e) {
                promise.setFailure(e);
            }
        }

        /** Every address of {@code host} must pass: one refused address refuses the name. */
        private List<InetAddress> allowed(String host) throws Exception {
            List<InetAddress> addresses = hosts.resolve(host);
            for (InetAddress address : addresses) {
                check(host, address);
            }
            return addresses;
        }
    }
}
