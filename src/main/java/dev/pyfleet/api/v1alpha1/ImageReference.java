package dev.pyfleet.api.v1alpha1;

/**
 * The shape of a container image reference, as the API server checks it on both kinds: an optional registry host
 * (with port), one or more lower-case path components, an optional tag and an optional digest, e.g.
 * {@code registry.local:5000/team/shop:1.4.2@sha256:...}. Nothing else gets in, in particular no whitespace or line
 * break, since the reference is also written into files on a VM.
 */
public final class ImageReference {

    private static final String HOST_PART = "[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?";
    private static final String HOST = "(" + HOST_PART + ")(\\." + HOST_PART + ")*(:[0-9]{1,5})?/";
    private static final String PATH_PART = "[a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*";
    private static final String TAG = ":[a-zA-Z0-9_][a-zA-Z0-9_.-]{0,127}";
    private static final String DIGEST = "@[a-z0-9]+([+._-][a-z0-9]+)*:[a-fA-F0-9]{32,128}";

    /** The pattern both CRDs carry for an image field. */
    public static final String PATTERN = "^(" + HOST + ")?" + PATH_PART + "(/" + PATH_PART + ")*(" + TAG + ")?("
            + DIGEST + ")?$";

    private ImageReference() {
    }
}
