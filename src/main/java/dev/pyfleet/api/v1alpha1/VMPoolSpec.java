package dev.pyfleet.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.model.annotation.SpecReplicas;

/** What a pool of VMs should be; the operator reads it and never writes it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VMPoolSpec(
        @SpecReplicas @Default("1") @Min(0) @Max(100)
        @JsonPropertyDescription("Number of VMs, named <pool>-0, <pool>-1, ...")
        Integer replicas,

        @Required
        @JsonPropertyDescription("The VM every member of the pool is made from.")
        VMTemplate vm,

        @Default("{}")
        @JsonPropertyDescription("How VMs are replaced when the template (or an app on the pool) changes.")
        UpdateStrategy updateStrategy,

        @Default("{}")
        @JsonPropertyDescription("Which VMs go first when the pool shrinks.")
        ScaleDown scaleDown,

        @Default("{}")
        @JsonPropertyDescription("Restarting VMs that keep failing to start.")
        AutoHealing autoHealing,

        @Default("{}")
        @JsonPropertyDescription("How the PyFleet scheduler places the VMs.")
        Placement placement,

        @Default("{}")
        @JsonPropertyDescription("What happens to a VM's disks (vm.rootDisk, vm.dataDisks) when the pool shrinks or "
                + "a failing VM is recreated. By default every disk is kept.")
        DiskRetention diskRetention) {

    public VMPoolSpec(Integer replicas, VMTemplate vm, UpdateStrategy updateStrategy, ScaleDown scaleDown,
            AutoHealing autoHealing, Placement placement) {
        this(replicas, vm, updateStrategy, scaleDown, autoHealing, placement, null);
    }

    /** The guest: size, disk image, Python and extra cloud-init. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "quantity(self.memory).compareTo(quantity('512Mi')) >= 0",
            message = "vm.memory must be at least 512Mi to boot a guest that runs Python", fieldPath = ".memory")
    @ValidationRule(value = "!has(self.dataDisks) || self.dataDisks.all(d, self.dataDisks.exists_one(e, "
            + "e.name == d.name))", message = "two data disks have the same name", fieldPath = ".dataDisks")
    @ValidationRule(value = "!has(self.dataDisks) || self.dataDisks.all(d, self.dataDisks.exists_one(e, "
            + "e.mountPath == d.mountPath || e.mountPath + '/' == d.mountPath || e.mountPath == d.mountPath + '/'))",
            message = "two data disks are mounted at the same path", fieldPath = ".dataDisks")
    @ValidationRule(value = "!has(self.cloudInit) || self.cloudInit.startsWith('#cloud-config')",
            message = "vm.cloudInit must be a #cloud-config document (its first line '#cloud-config'); it is merged "
                    + "with the user-data PyFleet writes", fieldPath = ".cloudInit")
    public record VMTemplate(
            @Default("1") @Min(1) @Max(64)
            @JsonPropertyDescription("Guest vCPUs.")
            Integer cpu,

            @Required @Pattern("^[0-9]+(\\.[0-9]+)?(Mi|Gi|Ti|M|G|T)$")
            @JsonPropertyDescription("Guest memory, e.g. 4Gi.")
            String memory,

            @Required @Size(min = 1, max = 512) @Pattern(ImageReference.PATTERN)
            @JsonPropertyDescription("containerDisk image with the guest OS, e.g. quay.io/containerdisks/debian:12.")
            String image,

            @Required
            @JsonPropertyDescription("Python installed at first boot by cloud-init.")
            PythonSpec python,

            @Size(max = 32768)
            @JsonPropertyDescription("Extra cloud-init user-data (#cloud-config), merged with PyFleet's: its "
                    + "packages, write_files and runcmd run after PyFleet's.")
            String cloudInit,

            @Default("Always")
            @JsonPropertyDescription("Always | RerunOnFailure | Manual | Halted, as KubeVirt's runStrategy.")
            RunStrategy runStrategy,

            @JsonPropertyDescription("A persistent root disk per VM, filled from the image (CDI's DataVolume "
                    + "import): it outlives restarts and moves. Without it the image boots as an ephemeral "
                    + "containerDisk and every restart starts from the image again.")
            RootDisk rootDisk,

            @Size(max = 8)
            @JsonPropertyDescription("Empty persistent disks per VM, formatted (ext4) and mounted at first boot. A "
                    + "data disk is kept across restarts and rollouts; vm.dataDisks changes apply to disks made "
                    + "afterwards.")
            List<DataDisk> dataDisks) {

        public VMTemplate(Integer cpu, String memory, String image, PythonSpec python, String cloudInit,
                RunStrategy runStrategy) {
            this(cpu, memory, image, python, cloudInit, runStrategy, null, null);
        }
    }

    /** A disk size: a Kubernetes quantity of bytes in binary or decimal units, e.g. 20Gi. */
    static final String DISK_SIZE = "^[0-9]+(Mi|Gi|Ti|M|G|T)$";

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!isQuantity(self.size) || (quantity(self.size).compareTo(quantity('1Gi')) >= 0 "
            + "&& quantity(self.size).compareTo(quantity('64Ti')) <= 0)",
            message = "vm.rootDisk.size must be from 1Gi to 64Ti (and hold the image)", fieldPath = ".size")
    public record RootDisk(
            @Required @Size(max = 16) @Pattern(DISK_SIZE)
            @JsonPropertyDescription("Size of each VM's root disk, e.g. 20Gi; at least the image's disk size.")
            String size,

            @Size(max = 253) @Pattern(StorageSpec.Volume.NAME)
            @JsonPropertyDescription("StorageClass of the disks; the cluster's default class when absent.")
            String storageClassName,

            @Default("Replace")
            @JsonPropertyDescription("Replace: a rollout (a new image, or a change to the pool or an app on it) "
                    + "gives each VM a fresh root disk from the image. Keep: a VM keeps its root disk through "
                    + "rollouts (a new image reaches only new disks), and PyFleet's setup and the pool's cloud-init "
                    + "packages, files and commands run again on it.")
            OnRollout onRollout) {

        public enum OnRollout { Replace, Keep }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!isQuantity(self.size) || (quantity(self.size).compareTo(quantity('1Gi')) >= 0 "
            + "&& quantity(self.size).compareTo(quantity('64Ti')) <= 0)",
            message = "a data disk's size must be from 1Gi to 64Ti", fieldPath = ".size")
    @ValidationRule(value = "self.name != 'root'", message = "a data disk cannot be named root: that is the root "
            + "disk's name", fieldPath = ".name")
    @ValidationRule(value = "!self.mountPath.split('/').exists(part, part == '..')",
            message = "mountPath must not contain a .. segment", fieldPath = ".mountPath")
    @ValidationRule(value = "!(self.mountPath in ['/', '/opt', '/var', '/var/lib', '/home', '/root', '/srv', '/mnt']) "
            + "&& !['/boot', '/etc', '/usr', '/bin', '/sbin', '/lib', '/lib64', '/opt/pyfleet', '/var/lib/pyfleet', "
            + "'/var/lib/cloud', '/tmp', '/proc', '/sys', '/dev', '/run'].exists(p, self.mountPath == p "
            + "|| self.mountPath.startsWith(p + '/'))",
            message = "mountPath must not hide a directory the guest or PyFleet needs; use one of its own, "
                    + "e.g. /srv/data", fieldPath = ".mountPath")
    public record DataDisk(
            @Required @Size(max = 20) @Pattern("^[a-z]([-a-z0-9]*[a-z0-9])?$")
            @JsonPropertyDescription("A name for the disk, unique in the pool, at most 20 characters (a virtio "
                    + "disk's serial); the guest sees it as /dev/disk/by-id/virtio-<name>.")
            String name,

            @Required @Size(max = 16) @Pattern(DISK_SIZE)
            @JsonPropertyDescription("Size, e.g. 20Gi.")
            String size,

            @Size(max = 253) @Pattern(StorageSpec.Volume.NAME)
            @JsonPropertyDescription("StorageClass of the disk; the cluster's default class when absent.")
            String storageClassName,

            @Required @Size(max = 256) @Pattern("^/[A-Za-z0-9._/-]*[A-Za-z0-9._-]$")
            @JsonPropertyDescription("Where the disk is mounted in the guest, e.g. /srv/data.")
            String mountPath) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record DiskRetention(
            @Default("Retain")
            @JsonPropertyDescription("Retain: the disks of a VM removed by a scale-down stay, and a VM made again "
                    + "at that ordinal gets them back. Delete: they are deleted with the VM.")
            WhenScaledDown whenScaledDown,

            @Default("Retain")
            @JsonPropertyDescription("Retain: a VM recreated by autoHealing boots from its disks as they are. "
                    + "ReplaceRootDisk: it gets a fresh root disk from the image; its data disks are kept.")
            WhenHealed whenHealed) {

        public enum WhenScaledDown { Retain, Delete }

        public enum WhenHealed { Retain, ReplaceRootDisk }
    }

    public enum RunStrategy { Always, RerunOnFailure, Manual, Halted }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "(has(self.source) && self.source == 'Index') == has(self.indexUrl)",
            message = "python.indexUrl is where packages come from with source Index, and is set with it alone",
            fieldPath = ".indexUrl")
    public record PythonSpec(
            @Required @Pattern("^3\\.[0-9]{1,2}$")
            @JsonPropertyDescription("Python version, e.g. \"3.12\". Download installs it with uv; Image and Index "
                    + "use the image's python3, which must be this version (checked at boot).")
            String version,

            @Size(max = 64)
            @JsonPropertyDescription("pip requirements installed into the pool's virtualenv, e.g. gunicorn==23.0.0. "
                    + "Apps on the pool import their code from here (or from the disk image).")
            List<@Size(max = 256) @Pattern("^[A-Za-z0-9][A-Za-z0-9._\\-\\[\\],]*([<>=!~]=?[A-Za-z0-9.*+!\\-]+)?$") String>
                    packages,

            @Default("Download")
            @JsonPropertyDescription("Where Python and the packages come from. Download: uv from PyPI, the Python "
                    + "build from GitHub (python-build-standalone), packages from PyPI, and the image's package "
                    + "mirror (needs the internet). Index: the image's python3 and packages from indexUrl only "
                    + "(a mirror or proxy the cluster reaches). Image: nothing from the network: the image's python3 "
                    + "(its own site-packages visible) and packages from wheels in /opt/pyfleet/wheels on the image.")
            Source source,

            @Size(max = 2048) @Pattern("^https?://[^\\s'\"\\\\`$]+$")
            @JsonPropertyDescription("The package index (PEP 503 simple API) for source Index, e.g. "
                    + "https://pypi.internal.example/simple.")
            String indexUrl) {

        public PythonSpec(String version, List<String> packages) {
            this(version, packages, null, null);
        }

        public enum Source { Download, Index, Image }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    @ValidationRule(value = "!has(self.type) || self.type == 'RollingUpdate' || !has(self.maxUnavailable)",
            message = "updateStrategy.maxUnavailable applies only to type RollingUpdate", fieldPath = ".maxUnavailable")
    @ValidationRule(value = "!has(self.maxUnavailable) || (type(self.maxUnavailable) == int ? "
            + "self.maxUnavailable >= 1 : self.maxUnavailable.matches('^[1-9][0-9]?%$|^100%$'))",
            message = "updateStrategy.maxUnavailable must be at least 1 VM or a percentage from 1% to 100%",
            fieldPath = ".maxUnavailable")
    public record UpdateStrategy(
            @Default("RollingUpdate")
            @JsonPropertyDescription("RollingUpdate replaces outdated VMs, maxUnavailable at a time. OnDelete "
                    + "replaces a VM only when you delete it.")
            Type type,

            @JsonPropertyDescription("VMs that may be unavailable during a rolling update: a number or a percentage "
                    + "(rounded down, at least 1). Default 1.")
            IntOrString maxUnavailable,

            @Default("600") @Min(1) @Max(86400)
            @JsonPropertyDescription("Seconds an updated VM may take to become Ready before the rollout halts and "
                    + "the pool turns Degraded.")
            Integer progressDeadlineSeconds) {

        public enum Type { RollingUpdate, OnDelete }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScaleDown(
            @Default("NewestFirst")
            @JsonPropertyDescription("NewestFirst | OldestFirst | UnreadyFirst (then newest).")
            Policy policy) {

        public enum Policy { NewestFirst, OldestFirst, UnreadyFirst }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AutoHealing(
            @Default("true")
            @JsonPropertyDescription("Recreate VMs that keep failing to start.")
            Boolean enabled,

            @Default("3") @Min(1) @Max(100)
            @JsonPropertyDescription("Consecutive failed starts after which a VM is recreated.")
            Integer failureThreshold,

            @Default("5m") @Pattern("^([0-9]+h)?([0-9]+m)?([0-9]+s)?$")
            @JsonPropertyDescription("A VM failing for this long is recreated, whatever its count (e.g. 5m, 1h30m).")
            String minFailingDuration) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Placement(
            @Default("Spread")
            @JsonPropertyDescription("Balanced | BinPack | Spread | LoadAware, as for PythonApps; sized by the "
                    + "guest, not the launcher pod.")
            PlacementSpec.Strategy strategy) {
    }
}
