package dev.paygate.support;

import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class SupportTestApplication {}
