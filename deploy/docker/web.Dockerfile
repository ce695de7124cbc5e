# syntax=docker/dockerfile:1
# The web host image. Build from the repository root:
#   docker build -f deploy/docker/web.Dockerfile -t coordination/web:1.0.0 .
# Listens on 8080 (API, SignalR hub, dashboards, health) and 9464 (Prometheus /metrics only).
# Runs as the image's non-root user "app".
ARG DOTNET_VERSION=10.0

FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
# Restore from the project files alone, so this layer is rebuilt only when a dependency changes.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Grains/Coordination.Contracts/Coordination.Contracts.csproj src/Grains/Coordination.Contracts/
COPY src/ServiceDefaults/Coordination.ServiceDefaults.csproj src/ServiceDefaults/
COPY src/Web/Coordination.Web.csproj src/Web/
RUN dotnet restore src/Web/Coordination.Web.csproj
COPY src/ src/
RUN dotnet publish src/Web/Coordination.Web.csproj -c Release --no-restore -o /app -p:UseAppHost=false

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION} AS final
WORKDIR /app
COPY --from=build /app ./
COPY --chmod=0755 deploy/docker/healthcheck.sh /usr/local/bin/
ENV ASPNETCORE_HTTP_PORTS="8080;9464" \
    Coordination__Observability__MetricsPort=9464 \
    Coordination__Observability__LogFormat=Json \
    DOTNET_ENVIRONMENT=Production \
    ASPNETCORE_ENVIRONMENT=Production
EXPOSE 8080 9464
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=6s --start-period=150s --retries=3 CMD ["healthcheck.sh", "/health/ready"]
ENTRYPOINT ["dotnet", "Coordination.Web.dll"]
