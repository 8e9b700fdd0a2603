package dev.paygate.devinfra.restartable;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** A port that is free now, to be fixed for a server's whole life (restarts included). */
public final class FreePorts {

    private FreePorts() {}

    public static int pick() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }
}
