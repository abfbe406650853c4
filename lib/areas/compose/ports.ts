/** Host ports published on 127.0.0.1, each behind a variable of `.env`, handed out so two never collide. */

export interface Variable {
  name: string;
  default: string;
  description: string;
}

export interface PublishedPort {
  /** `127.0.0.1:${VAR:-default}:container`, ready for `ports:`. */
  spec: string;
  variable: Variable;
  hostPort: number;
  containerPort: number;
}

export class HostPorts {
  private readonly taken = new Set<number>();

  private claim(preferred: number): number {
    let port = preferred;
    while (this.taken.has(port)) port = port >= 65535 ? 1024 : port + 1;
    this.taken.add(port);
    return port;
  }

  publish(variableName: string, preferred: number, containerPort: number, description: string): PublishedPort {
    const hostPort = this.claim(preferred);
    const variable = { name: variableName, default: String(hostPort), description };
    return { spec: `127.0.0.1:\${${variableName}:-${hostPort}}:${containerPort}`, variable, hostPort, containerPort };
  }
}
