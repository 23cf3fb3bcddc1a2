# One image for the four services and the console; the argument picks which:
#   docker build -t complaint-platform:0.1.0 .
#   docker run --rm complaint-platform:0.1.0 services.dispatch
#   docker run --rm -p 8080:8080 -e CONSOLE_HOST=0.0.0.0 -e INTAKE_GRPC_TARGET=... complaint-platform:0.1.0 services.console
# Kubernetes sets the command explicitly (python -m services.<name>), see deploy/k8s/base.
# The generated protobuf code is committed (src/complaints), so no protoc runs here.

# ---- build: wheels for the project and its pinned dependencies
FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY requirements/lock.txt requirements/lock.txt
COPY src src
COPY services services
COPY tools tools
# lock.txt pins every transitive version; used as constraints so dev-only pins are not installed.
RUN pip wheel --wheel-dir /wheels --constraint requirements/lock.txt .

# ---- runtime: slim, non-root, nothing but the installed packages
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    HOME=/tmp \
    POLICY_FILE=/etc/complaints/policy.yaml \
    GRPC_HOST=0.0.0.0 \
    LOG_FORMAT=json
RUN groupadd --system --gid 10001 complaints \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin complaints
COPY --from=build /wheels /wheels
RUN pip install --no-index --find-links /wheels /wheels/*.whl && rm -rf /wheels
# A default policy so `docker run` works alone; Kubernetes mounts the ConfigMap over /etc/complaints.
COPY config/policy.yaml /etc/complaints/policy.yaml
WORKDIR /tmp
USER 10001:10001
# gRPC and metrics of the services; 8080 is the console's HTTP (its templates ship in the wheel)
EXPOSE 50051 9464 8080
ENTRYPOINT ["python", "-m"]
CMD ["services.intake"]
