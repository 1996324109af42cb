// What the platform tells an operator to run in the supervisor bundle's folder: the compose
// service supervisor/bundle/setup.sh writes (its image is built there, not pulled).
export const supervisorService = 'spedy-supervisor';

/** Rebuild the supervisor from the bundle and restart it (README "Upgrading without losing work"). */
export const rebuildSupervisorCommand = `docker compose build ${supervisorService} && docker compose up -d ${supervisorService}`;

/** The same with Debian's docker-compose 1.29, which has no buildx. */
export const legacyRebuildSupervisorCommand = `COMPOSE_DOCKER_CLI_BUILD=0 docker-compose build ${supervisorService} && docker-compose up -d ${supervisorService}`;
