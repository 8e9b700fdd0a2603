package dev.paygate.launcher;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The merchant's shop in the hosted-page tests: answers {@code /success} and {@code /failure} with a tiny HTML
 * page (title "Shop: success" / "Shop: failure") and keeps each request's path and {@code Referer}.
 */
final class ShopServer implements AutoCloseable {

    record Visit(String pathAndQuery, String referer) {}

    private final HttpServer server;
    final ConcurrentLinkedQueue<Visit> visits = new ConcurrentLinkedQueue<>();

    ShopServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (exchange) {
                String query = exchange.getRequestURI().getRawQuery();
                String path = exchange.getRequestURI().getPath();
                visits.add(new Visit(
                        path + (query == null ? "" : "?" + query),
                        exchange.getRequestHeaders().getFirst("Referer")));
                String outcome =
                        path.startsWith("/success") ? "success" : path.startsWith("/failure") ? "failure" : "home";
                byte[] page = ("<!DOCTYPE html><html lang=\"en\"><head><title>Shop: " + outcome
                                + "</title></head><body><h1>Shop: " + outcome + "</h1></body></html>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(200, page.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(page);
                }
            }
        });
        server.start();
    }

    /** e.g. {@code http://127.0.0.1:PORT/success} */
    String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
