package dev.paygate.webhook.ssrf;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1,loopback",
        "10.0.0.1,private",
        "172.16.0.1,private",
        "172.31.255.255,private",
        "192.168.1.1,private",
        "169.254.169.254,link-local",
        "100.64.0.1,CGNAT",
        "100.127.255.255,CGNAT",
        "0.0.0.0,unspecified",
        "224.0.0.1,multicast",
        "240.0.0.1,reserved",
        "255.255.255.255,reserved",
        "198.18.0.1,reserved",
        "::1,loopback",
        "fc00::1,private (unique local)",
        "fe80::1,link-local",
        "::ffff:10.0.0.1,private",
        "::ffff:127.0.0.1,loopback",
        "2001:db8::1,reserved (documentation)"
    })
    void refusesInternalAndReservedAddresses(String address, String reason) throws Exception {
        assertThat(AddressPolicy.refusal(InetAddress.getByName(address))).contains(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "11.0.0.1", "2606:4700::1111"})
    void allowsPublicAddresses(String address) throws Exception {
        assertThat(AddressPolicy.refusal(InetAddress.getByName(address))).isEmpty();
    }
}
