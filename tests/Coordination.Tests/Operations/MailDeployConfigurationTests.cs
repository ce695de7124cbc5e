namespace Coordination.Tests.Operations;

/// <summary>E-mail in the deploy files: every way of running the silos points them at a real SMTP server and the public dashboard.</summary>
public sealed partial class DeployConfigurationTests
{
    /// <summary>What a silo needs to send e-mail anywhere but the local smtp4dev of deploy/run.sh.</summary>
    private static readonly string[] MailSettings =
    [
        "Coordination__Smtp__Host", "Coordination__Smtp__Port", "Coordination__Smtp__Tls", "Coordination__Smtp__From",
        "Coordination__Smtp__Username", "Coordination__Smtp__Password", "Coordination__Notify__DashboardUrl",
    ];

    private const string Password = "Coordination__Smtp__Password";

    [Fact]
    public void Every_deployment_gives_the_silos_a_real_smtp_server_over_tls_and_the_public_dashboard_address_with_the_password_kept_secret()
    {
        var systemd = new[] { "coordination.env", "silo.env" }
            .SelectMany(f => DeployFiles.ReadEnvironmentFile(DeployFiles.PathOf("systemd", f)))
            .ToDictionary(s => s.Key, s => s.Value);
        var compose = ComposeService("silo").At("environment").Entries();
        var configMap = ConfigMap.At("data").Entries();
        var siloContainer = Container("silo").Items("env").ToDictionary(e => e.Text("name")!, e => e);
        var image = Dockerfile.Read("silo").Environment;

        Assert.Subset(systemd.Keys.ToHashSet(), MailSettings.ToHashSet());
        Assert.Subset(compose.Keys.ToHashSet(), MailSettings.ToHashSet());
        Assert.Subset(configMap.Keys.Concat(siloContainer.Keys).ToHashSet(), MailSettings.ToHashSet());

        // Real servers take mail over TLS; the image says so too, for anyone running it by hand.
        Assert.Equal("StartTls", systemd["Coordination__Smtp__Tls"]);
        Assert.Equal("StartTls", configMap["Coordination__Smtp__Tls"]);
        Assert.Equal("StartTls", image["Coordination__Smtp__Tls"]);
        Assert.Contains("StartTls", compose["Coordination__Smtp__Tls"], StringComparison.Ordinal);
        Assert.StartsWith("https://", systemd["Coordination__Notify__DashboardUrl"], StringComparison.Ordinal);
        Assert.StartsWith("https://", configMap["Coordination__Notify__DashboardUrl"], StringComparison.Ordinal);

        // The password: from the Secret in Kubernetes, from .env in compose, never in the configmap.
        Assert.DoesNotContain(Password, configMap.Keys);
        Assert.Equal(Password, siloContainer[Password].Text("valueFrom", "secretKeyRef", "key"));
        Assert.Contains(Password, SecretExample.At("stringData").Entries().Keys);
        Assert.StartsWith("${", compose[Password], StringComparison.Ordinal);
    }
}
