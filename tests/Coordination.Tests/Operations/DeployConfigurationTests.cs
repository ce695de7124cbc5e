using System.Reflection;
using System.Text.RegularExpressions;
using Coordination.Grains.Feeds;
using Coordination.ServiceDefaults;
using Coordination.Silo.Hosting;
using Coordination.Tests.Infrastructure;
using YamlDotNet.RepresentationModel;

namespace Coordination.Tests.Operations;

/// <summary>
/// The files that run the system elsewhere — systemd units, Dockerfiles, compose, Kubernetes —
/// cannot be run here (no container engine, no cluster), so they are checked against each other
/// and against the code: they parse, and their images, ports, probes and settings are the ones
/// the hosts really have.
/// </summary>
public sealed partial class DeployConfigurationTests
{
    private static readonly string[] Roles = ["silo", "web"];

    // Read by ASP.NET Core, the .NET host, Serilog's configuration or the OpenTelemetry SDK
    // rather than by an options class of this project.
    private static readonly string[] PlatformSettings =
        ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"];

    private const string KeyDirectory = "Coordination__DataProtection__KeyDirectory";

    private static readonly string[] PlatformPrefixes = ["Serilog__", "OTEL_"];

    [Fact]
    public void Every_compose_and_kubernetes_file_parses_into_named_objects()
    {
        Assert.NotEmpty(Compose.At("services")!.Entries());
        var manifests = Directory.GetFiles(DeployFiles.PathOf("k8s"), "*.yaml");
        Assert.NotEmpty(manifests);
        foreach (var file in manifests)
        {
            var documents = Yaml.Documents(file);
            Assert.NotEmpty(documents);
            foreach (var document in documents)
            {
                Assert.False(string.IsNullOrEmpty(document.Text("apiVersion")), $"{file}: a document without apiVersion");
                Assert.False(string.IsNullOrEmpty(document.Text("kind")), $"{file}: a document without kind");
                Assert.True(document.Text("kind") == "Kustomization" || !string.IsNullOrEmpty(document.Text("metadata", "name")), $"{file}: a {document.Text("kind")} without a name");
            }
        }

        var kustomization = Yaml.Documents(DeployFiles.PathOf("k8s", "kustomization.yaml")).Single();
        foreach (var resource in kustomization.Items("resources").Select(r => ((YamlScalarNode)r).Value!))
        {
            Assert.True(File.Exists(DeployFiles.PathOf("k8s", resource)), $"kustomization.yaml lists {resource}, which does not exist");
        }
    }

    [Fact]
    public void Every_environment_variable_in_the_deploy_files_is_a_setting_a_host_reads()
    {
        var known = KnownSettings();
        var used = new List<(string Where, string Name)>();
        foreach (var file in new[] { "coordination.env", "silo.env", "web.env" })
        {
            used.AddRange(DeployFiles.ReadEnvironmentFile(DeployFiles.PathOf("systemd", file)).Keys.Select(k => ($"systemd/{file}", k)));
        }

        foreach (var role in Roles)
        {
            used.AddRange(ComposeService(role).At("environment").Entries().Keys.Select(k => ($"compose service {role}", k)));
            used.AddRange(Container(role).Items("env").Select(e => ($"k8s {role}", e.Text("name")!)));
            used.AddRange(Dockerfile.Read(role).Environment.Keys.Select(k => ($"{role}.Dockerfile", k)));
        }

        used.AddRange(ConfigMap.At("data").Entries().Keys.Select(k => ("k8s configmap", k)));
        used.AddRange(SecretExample.At("stringData").Entries().Keys.Select(k => ("k8s secret.example", k)));

        // An array setting is written with an index: Coordination__Web__Security__KnownProxies__0.
        var unknown = used.Where(u => !known.Contains(ArrayIndex().Replace(u.Name, "")) && !PlatformPrefixes.Any(p => u.Name.StartsWith(p, StringComparison.Ordinal)))
            .Select(u => $"{u.Name} ({u.Where})").ToList();
        Assert.True(unknown.Count == 0, $"settings no host reads (misspelt?): {string.Join(", ", unknown)}");
    }

    [Fact]
    public void Kubernetes_pods_use_the_images_ports_probes_and_settings_of_the_hosts()
    {
        var configMap = ConfigMap.Text("metadata", "name");
        var secret = SecretExample.Text("metadata", "name");
        var secretKeys = SecretExample.At("stringData").Entries().Keys.ToHashSet();
        foreach (var role in Roles)
        {
            var workload = Workload(role);
            var container = Container(role);
            var image = Dockerfile.Read(role);
            Assert.Equal($"coordination/{role}", Repository(container.Text("image")!));

            var ports = container.Items("ports").ToDictionary(p => p.Text("name")!, p => int.Parse(p.Text("containerPort")!));
            Assert.Equal(image.Exposed.Order(), ports.Values.Order());
            var env = container.Items("env").ToDictionary(e => e.Text("name")!, e => e);
            var httpPorts = env["ASPNETCORE_HTTP_PORTS"].Text("value")!;
            Assert.Equal(image.Environment["ASPNETCORE_HTTP_PORTS"], httpPorts);
            Assert.Equal(ports["http"], FirstPort(httpPorts));

            Assert.Equal(("/health/ready", "http"), Probe(container, "readinessProbe"));
            Assert.Equal(("/health/live", "http"), Probe(container, "livenessProbe"));
            Assert.Equal(("/health/live", "http"), Probe(container, "startupProbe"));

            var annotations = workload.At("spec", "template", "metadata", "annotations").Entries();
            Assert.Equal("/metrics", annotations["prometheus.io/path"]);
            var metricsPort = int.Parse(annotations["prometheus.io/port"]!);
            if (env.TryGetValue("Coordination__Observability__MetricsPort", out var restricted))
            {
                Assert.Equal(metricsPort, int.Parse(restricted.Text("value")!));
                Assert.Equal(ports["metrics"], metricsPort);
                Assert.Contains(metricsPort.ToString(), httpPorts.Split(';'));
            }
            else
            {
                Assert.Equal(ports["http"], metricsPort);
            }

            Assert.Equal(configMap, Assert.Single(container.Items("envFrom")).Text("configMapRef", "name"));
            foreach (var reference in env.Values.Select(e => e.At("valueFrom", "secretKeyRef")).OfType<YamlNode>())
            {
                Assert.Equal(secret, reference.Text("name"));
                Assert.Contains(reference.Text("key")!, secretKeys);
            }

            var podLabels = workload.At("spec", "template", "metadata", "labels").Entries();
            Assert.Subset(podLabels.ToHashSet(), workload.At("spec", "selector", "matchLabels").Entries().ToHashSet());
            Assert.Subset(podLabels.ToHashSet(), Service(role).At("spec", "selector").Entries().ToHashSet());
            foreach (var target in Service(role).Items("spec", "ports").Select(p => p.Text("targetPort")!))
            {
                Assert.Contains(target, ports.Keys);
            }

            Assert.Equal("true", container.Text("securityContext", "readOnlyRootFilesystem"));
            Assert.Equal("true", workload.Text("spec", "template", "spec", "securityContext", "runAsNonRoot"));
        }

        var silo = Container("silo").Items("env").ToDictionary(e => e.Text("name")!, e => e);
        Assert.Equal("status.podIP", silo["Orleans__AdvertisedAddress"].Text("valueFrom", "fieldRef", "fieldPath"));
        var siloPorts = Container("silo").Items("ports").ToDictionary(p => p.Text("name")!, p => p.Text("containerPort"));
        Assert.Equal(siloPorts["silo"], silo["Orleans__SiloPort"].Text("value"));
        Assert.Equal(siloPorts["gateway"], silo["Orleans__GatewayPort"].Text("value"));
        Assert.Equal(Service("silo").Text("metadata", "name"), Workload("silo").Text("spec", "serviceName"));
        Assert.Equal("None", Service("silo").Text("spec", "clusterIP"));

        var ingress = Manifest("ingress.yaml", "Ingress");
        Assert.Equal("cookie", ingress.At("metadata", "annotations").Entries()["nginx.ingress.kubernetes.io/affinity"]);
        var backend = Assert.Single(ingress.Items("spec", "rules").SelectMany(r => r.Items("http", "paths"))).At("backend", "service")!;
        Assert.Equal(Service("web").Text("metadata", "name"), backend.Text("name"));
        Assert.Contains(backend.Text("port", "name"), Service("web").Items("spec", "ports").Select(p => p.Text("name")));

        var images = Yaml.Documents(DeployFiles.PathOf("k8s", "kustomization.yaml")).Single().Items("images").Select(i => i.Text("name")!).Order();
        Assert.Equal(Roles.Select(r => $"coordination/{r}"), images);
    }

    [Fact]
    public void Compose_runs_the_images_the_dockerfiles_build_with_the_same_ports_and_settings_as_kubernetes()
    {
        foreach (var role in Roles)
        {
            var service = ComposeService(role);
            Assert.Equal(Repository(Container(role).Text("image")!), Repository(service.Text("image")!));
            Assert.Equal(CoordinationProcesses.RepositoryRoot, Path.GetFullPath(Path.Combine(DeployFiles.PathOf("compose"), service.Text("build", "context")!)));
            Assert.Equal($"deploy/docker/{role}.Dockerfile", service.Text("build", "dockerfile"));
            Assert.Equal(new[] { "CMD", "healthcheck.sh", "/health/ready" }, service.Items("healthcheck", "test").Select(t => ((YamlScalarNode)t).Value!));

            var env = service.At("environment").Entries();
            foreach (var (name, value) in ConfigMap.At("data").Entries().Where(e => e.Key.StartsWith("Orleans__", StringComparison.Ordinal)))
            {
                Assert.Equal(value, env[name]);
            }

            var image = Dockerfile.Read(role);
            var httpPorts = env.GetValueOrDefault("ASPNETCORE_HTTP_PORTS") ?? image.Environment["ASPNETCORE_HTTP_PORTS"];
            if (env.TryGetValue("Coordination__Observability__MetricsPort", out var metrics))
            {
                Assert.Contains(metrics!, httpPorts.Split(';'));
            }

            if (role == "web")
            {
                var upstream = UpstreamServer().Match(File.ReadAllText(DeployFiles.PathOf("compose", "nginx.conf")));
                Assert.True(upstream.Success, "nginx.conf has no upstream server for the web hosts");
                Assert.Equal(FirstPort(httpPorts), int.Parse(upstream.Groups[1].Value));
            }
        }

        // Every variable compose requires is in the example .env it tells operators to copy.
        var example = DeployFiles.ReadEnvironmentFile(DeployFiles.PathOf("compose", ".env.example"));
        foreach (Match required in RequiredVariable().Matches(File.ReadAllText(DeployFiles.PathOf("compose", "compose.yaml"))))
        {
            Assert.Contains(required.Groups[1].Value, example.Keys);
        }
    }

    [Fact]
    public void Every_silo_keeps_one_shared_key_ring_and_every_web_host_believes_only_its_own_proxy()
    {
        // Image: the key ring's directory exists and belongs to the app user.
        var keys = Dockerfile.Read("silo").Environment[KeyDirectory];
        Assert.Contains($"mkdir -p {keys} && chown \"$APP_UID\" {keys}", Dockerfile.Read("silo").Text);

        // Compose: every silo mounts the same named volume there.
        var mount = Assert.Single(ComposeService("silo").Items("volumes"), v => ((YamlScalarNode)v).Value!.EndsWith($":{keys}", StringComparison.Ordinal));
        var volume = ((YamlScalarNode)mount).Value!.Split(':')[0];
        Assert.Contains(volume, Compose.At("volumes").Entries().Keys);

        // Kubernetes: every silo pod mounts one ReadWriteMany claim there.
        var silo = Container("silo");
        Assert.Equal(keys, silo.Items("env").Single(e => e.Text("name") == KeyDirectory).Text("value"));
        var volumeName = Assert.Single(silo.Items("volumeMounts"), m => m.Text("mountPath") == keys).Text("name");
        var claim = Workload("silo").Items("spec", "template", "spec", "volumes").Single(v => v.Text("name") == volumeName).Text("persistentVolumeClaim", "claimName");
        var pvc = Manifest("data-protection.yaml", "PersistentVolumeClaim");
        Assert.Equal(pvc.Text("metadata", "name"), claim);
        Assert.Equal(new[] { "ReadWriteMany" }, pvc.Items("spec", "accessModes").Select(m => ((YamlScalarNode)m).Value!));
        Assert.Equal("1654", Workload("silo").Text("spec", "template", "spec", "securityContext", "fsGroup"));

        // systemd: the directory is under the unit's state directory, writable despite ProtectSystem=strict.
        var systemdKeys = DeployFiles.ReadEnvironmentFile(DeployFiles.PathOf("systemd", "silo.env"))[KeyDirectory];
        var unit = File.ReadAllText(DeployFiles.PathOf("systemd", "coordination-silo.service"));
        var state = StateDirectory().Match(unit);
        Assert.True(state.Success, "the silo unit has no StateDirectory for the key ring");
        Assert.StartsWith($"/var/lib/{state.Groups[1].Value}/", systemdKeys);

        // Web hosts behind a proxy name it, or every user shares the proxy's sign-in budget.
        var composeWeb = ComposeService("web").At("environment").Entries();
        var subnet = Assert.Single(Compose.Items("networks", "default", "ipam", "config")).Text("subnet");
        Assert.Equal(subnet, composeWeb["Coordination__Web__Security__KnownNetworks__0"]);
        Assert.Contains(Container("web").Items("env"), e => e.Text("name") == "Coordination__Web__Security__KnownNetworks__0");
        Assert.Contains("Coordination__Web__Security__KnownProxies__0", DeployFiles.ReadEnvironmentFile(DeployFiles.PathOf("systemd", "web.env")).Keys);
        var webPolicy = Yaml.Documents(DeployFiles.PathOf("k8s", "networkpolicy.yaml")).Single(d => d.Text("metadata", "name") == "coordination-web");
        var appPort = webPolicy.Items("spec", "ingress").Single(r => r.Items("ports").Any(p => p.Text("port") == "8080"));
        Assert.NotEmpty(appPort.Items("from"));
    }

    [Fact]
    public void Dockerfiles_build_in_stages_from_files_that_exist_and_run_the_host_as_a_non_root_user()
    {
        foreach (var role in Roles)
        {
            var image = Dockerfile.Read(role);
            Assert.True(image.Stages >= 2, $"{role}.Dockerfile should build in one stage and run in another");
            Assert.False(string.IsNullOrEmpty(image.User) || image.User is "root" or "0", $"{role}.Dockerfile runs as root");
            foreach (var source in image.CopiedFromContext)
            {
                Assert.True(File.Exists(Path.Combine(CoordinationProcesses.RepositoryRoot, source)) || Directory.Exists(Path.Combine(CoordinationProcesses.RepositoryRoot, source)),
                    $"{role}.Dockerfile copies {source}, which does not exist");
            }

            var project = $"Coordination.{char.ToUpperInvariant(role[0])}{role[1..]}";
            var hostProject = $"src/{project[13..]}/{project}.csproj";
            Assert.Contains($"dotnet publish {hostProject}", image.Text);
            // The restore layer copies project files alone: every project the host depends on must be among them.
            foreach (var needed in ProjectClosure(hostProject))
            {
                Assert.True(image.CopiedFromContext.Contains(needed), $"{role}.Dockerfile does not copy {needed} before restoring");
            }
            var startsHost = image.Entrypoint.Contains($"{project}.dll") ||
                image.CopiedFromContext.Any(f => f.EndsWith(image.Entrypoint.Trim('[', ']', '"'), StringComparison.Ordinal) &&
                    File.ReadAllText(Path.Combine(CoordinationProcesses.RepositoryRoot, f)).Contains($"{project}.dll"));
            Assert.True(startsHost, $"{role}.Dockerfile's entrypoint {image.Entrypoint} does not start {project}.dll");
            Assert.Contains("healthcheck.sh", image.Text);

            var ignore = File.ReadAllLines(DeployFiles.PathOf("docker", $"{role}.Dockerfile.dockerignore"));
            Assert.Contains("**/bin/", ignore);
            Assert.Contains("**/obj/", ignore);
        }
    }

    [Fact]
    public void Systemd_units_run_the_published_hosts_with_the_environment_files_beside_them()
    {
        foreach (var role in Roles)
        {
            var unit = File.ReadAllLines(DeployFiles.PathOf("systemd", $"coordination-{role}.service"))
                .Where(l => l.Contains('=') && !l.StartsWith('#'))
                .Select(l => (Key: l[..l.IndexOf('=')], Value: l[(l.IndexOf('=') + 1)..]))
                .ToList();
            string Single(string key) => Assert.Single(unit, e => e.Key == key).Value;

            var project = $"Coordination.{char.ToUpperInvariant(role[0])}{role[1..]}";
            var dll = Single("ExecStart").Split(' ').Last();
            Assert.Equal($"{project}.dll", Path.GetFileName(dll));
            Assert.Equal(Path.GetDirectoryName(dll), Single("WorkingDirectory"));
            Assert.NotEqual("root", Single("User"));
            Assert.Equal("SIGTERM", Single("KillSignal"));
            var files = unit.Where(e => e.Key == "EnvironmentFile").Select(e => Path.GetFileName(e.Value)).ToList();
            Assert.Equal(new[] { "coordination.env", $"{role}.env" }, files);
        }
    }

    [Fact]
    public void The_configuration_guide_documents_every_setting()
    {
        var guide = File.ReadAllText(Path.Combine(CoordinationProcesses.RepositoryRoot, "docs", "configuration.md"));
        var missing = KnownSettings().Where(s => !guide.Contains($"`{s}`", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/configuration.md does not document: {string.Join(", ", missing)}");
    }

    /// <summary>
    /// Every environment variable the hosts read: one per property of every options class (a
    /// class with a <c>Section</c> constant) in the silo's and the web host's assemblies, the
    /// connection string, the first admin password, and the platform's own.
    /// </summary>
    private static HashSet<string> KnownSettings()
    {
        var web = Assembly.LoadFrom(Path.Combine(CoordinationProcesses.RepositoryRoot, "src", "Web", "bin", BuildConfiguration, "net10.0", "Coordination.Web.dll"));
        var assemblies = new[] { typeof(SiloHostOptions).Assembly, typeof(AckOptions).Assembly, typeof(ObservabilityOptions).Assembly, web };
        var settings = new HashSet<string>(PlatformSettings, StringComparer.Ordinal)
        {
            $"ConnectionStrings__{ServiceDefaultsExtensions.ConnectionStringName}",
            $"ConnectionStrings__{SiloHostExtensions.MigrationsConnectionStringName}",
            (string)web.GetType("Coordination.Web.Auth.AdminBootstrap", throwOnError: true)!.GetField("PasswordVariable")!.GetRawConstantValue()!,
        };
        foreach (var options in assemblies.SelectMany(a => a.GetExportedTypes()).Where(t => t.IsClass && t.GetField("Section") is { IsLiteral: true }))
        {
            var section = ((string)options.GetField("Section")!.GetRawConstantValue()!).Replace(":", "__");
            settings.UnionWith(options.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => $"{section}__{p.Name}"));
        }

        return settings;
    }

    /// <summary>The project and every project it references, directly or not, as paths from the repository root.</summary>
    private static IReadOnlySet<string> ProjectClosure(string project)
    {
        var root = CoordinationProcesses.RepositoryRoot;
        var found = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var next))
        {
            if (!found.Add(next))
            {
                continue;
            }

            var directory = Path.GetDirectoryName(Path.Combine(root, next))!;
            foreach (Match reference in ProjectReference().Matches(File.ReadAllText(Path.Combine(root, next))))
            {
                var path = Path.GetFullPath(Path.Combine(directory, reference.Groups[1].Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(root, path).Replace('\\', '/'));
            }
        }

        return found;
    }

    private static string BuildConfiguration =>
        typeof(DeployConfigurationTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    private static YamlMappingNode Compose => Yaml.Documents(DeployFiles.PathOf("compose", "compose.yaml")).Single();

    private static YamlNode ComposeService(string role) => Compose.At("services", role) ?? throw new InvalidOperationException($"compose has no service {role}");

    private static YamlMappingNode ConfigMap => Manifest("configmap.yaml", "ConfigMap");

    private static YamlMappingNode SecretExample => Manifest("secret.example.yaml", "Secret");

    private static YamlMappingNode Workload(string role) => Manifest($"{role}.yaml", role == "silo" ? "StatefulSet" : "Deployment");

    private static YamlMappingNode Service(string role) => Manifest($"{role}.yaml", "Service");

    private static YamlNode Container(string role) => Assert.Single(Workload(role).Items("spec", "template", "spec", "containers"));

    private static YamlMappingNode Manifest(string file, string kind) =>
        Assert.Single(Yaml.Documents(DeployFiles.PathOf("k8s", file)), d => d.Text("kind") == kind);

    private static (string? Path, string? Port) Probe(YamlNode container, string probe) =>
        (container.Text(probe, "httpGet", "path"), container.Text(probe, "httpGet", "port"));

    private static string Repository(string image) => image.Split(':')[0];

    private static int FirstPort(string httpPorts) => int.Parse(httpPorts.Split(';', ',')[0]);

    [GeneratedRegex(@"upstream\s+coordination_web\s*\{[^}]*server\s+web:(\d+)")]
    private static partial Regex UpstreamServer();

    [GeneratedRegex(@"^StateDirectory=(\S+)$", RegexOptions.Multiline)]
    private static partial Regex StateDirectory();

    [GeneratedRegex(@"__\d+$")]
    private static partial Regex ArrayIndex();

    [GeneratedRegex(@"<ProjectReference\s+Include=""([^""]+)""")]
    private static partial Regex ProjectReference();

    [GeneratedRegex(@"\$\{([A-Z_]+):\?")]
    private static partial Regex RequiredVariable();
}

/// <summary>The facts of a Dockerfile these tests check: stages, user, exposed ports, environment, entrypoint.</summary>
public sealed record Dockerfile(
    string Text, int Stages, string? User, IReadOnlyList<int> Exposed, IReadOnlyDictionary<string, string> Environment,
    string Entrypoint, IReadOnlyList<string> CopiedFromContext)
{
    public static Dockerfile Read(string role)
    {
        var text = File.ReadAllText(DeployFiles.PathOf("docker", $"{role}.Dockerfile"));
        var instructions = text.Replace("\\\n", " ").Split('\n')
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => (Op: l.Split(' ')[0].ToUpperInvariant(), Args: l[(l.IndexOf(' ') + 1)..].Trim()))
            .ToList();
        var finalStage = instructions.Skip(instructions.FindLastIndex(i => i.Op == "FROM")).ToList();
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (_, args) in finalStage.Where(i => i.Op == "ENV"))
        {
            foreach (Match pair in Regex.Matches(args, @"([A-Za-z_][A-Za-z0-9_]*)=(""[^""]*""|\S+)"))
            {
                environment[pair.Groups[1].Value] = pair.Groups[2].Value.Trim('"');
            }
        }

        var copied = instructions
            .Where(i => i.Op == "COPY" && !i.Args.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(a => !a.StartsWith("--", StringComparison.Ordinal)).SkipLast(1))
            .ToList();
        return new Dockerfile(
            text,
            instructions.Count(i => i.Op == "FROM"),
            finalStage.LastOrDefault(i => i.Op == "USER").Args,
            finalStage.Where(i => i.Op == "EXPOSE").SelectMany(i => i.Args.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(int.Parse).ToList(),
            environment,
            finalStage.Last(i => i.Op == "ENTRYPOINT").Args,
            copied);
    }
}
