package dev.pyfleet.api.v1alpha1;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The image pattern both CRDs carry: every usual reference passes, nothing that could break out of a line does. */
class ImageReferenceTest {

    static final Pattern IMAGE = Pattern.compile(ImageReference.PATTERN);

    @ParameterizedTest
    @ValueSource(strings = {"busybox", "python:3.12-slim", "library/python:3.12", "ghcr.io/acme/shop:1.4.2",
        "registry.local:5000/team/app", "localhost:5000/a/b/c:v1_2.3-rc1",
        "quay.io/containerdisks/debian:12", "my-registry.example.com/x__y/z--w:latest",
        "ghcr.io/acme/shop@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "ghcr.io/acme/shop:1.0@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    void usualReferencesAreAccepted(String image) {
        assertThat(IMAGE.matcher(image).matches()).as(image).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"shop:1\nExecStartPre=+/bin/sh", "shop 1", "shop:1 ", "Shop", "ghcr.io/Acme/shop",
        "shop:", "shop:-tag", "shop@sha256:abc", "/shop", "shop/", "shop//x", "shop:1;rm -rf /", "$(id)",
        "shop:1\r", "ghcr.io:port/x", "-shop", "shop:1\t"})
    void anythingElseIsRefused(String image) {
        assertThat(IMAGE.matcher(image).matches()).as(image.replace("\n", "\\n")).isFalse();
    }
}
