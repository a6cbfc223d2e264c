import { homedir } from 'node:os';
import { join } from 'node:path';

/** The XDG base directories of one user (XDG Base Directory Specification, with its defaults). */
export interface XdgDirs {
  readonly home: string;
  readonly configHome: string;
  readonly dataHome: string;
  readonly stateHome: string;
}

export function xdgDirs(env: NodeJS.ProcessEnv = process.env): XdgDirs {
  const home = env['HOME'] || homedir();
  const pick = (name: string, fallback: string): string => {
    const value = env[name];
    return value && value.startsWith('/') ? value : join(home, fallback);
  };
  return { home, configHome: pick('XDG_CONFIG_HOME', '.config'), dataHome: pick('XDG_DATA_HOME', '.local/share'), stateHome: pick('XDG_STATE_HOME', '.local/state') };
}

/** Where one user's installation lives. Every directory is 0700, every file 0600 unless noted. */
export interface InstallPaths {
  readonly xdg: XdgDirs;
  /** $XDG_CONFIG_HOME/t1c-lab: the connector configuration and the allow-list. */
  readonly configDir: string;
  readonly configFile: string;
  readonly allowListFile: string;
  /** $XDG_DATA_HOME/t1c-lab: the installed program, the connector's data (device key, TLS) and the install record. */
  readonly dataDir: string;
  readonly appDir: string;
  readonly connectorDataDir: string;
  readonly recordFile: string;
  /** $XDG_STATE_HOME/t1c-lab: logs and the pid of a connector started without systemd. */
  readonly stateDir: string;
  readonly logFile: string;
  readonly outputFile: string;
  readonly pidFile: string;
  /** The service manager's entries, outside our own directories. */
  readonly systemdUnit: string;
  readonly autostartEntry: string;
}

export const SERVICE_NAME = 't1c-lab-connector';

export function installPaths(env: NodeJS.ProcessEnv = process.env): InstallPaths {
  const xdg = xdgDirs(env);
  const configDir = join(xdg.configHome, 't1c-lab');
  const dataDir = join(xdg.dataHome, 't1c-lab');
  const stateDir = join(xdg.stateHome, 't1c-lab');
  return {
    xdg,
    configDir,
    configFile: join(configDir, 'connector.json'),
    allowListFile: join(configDir, 'cors.json'),
    dataDir,
    appDir: join(dataDir, 'app'),
    connectorDataDir: join(dataDir, 'connector'),
    recordFile: join(dataDir, 'install.json'),
    stateDir,
    logFile: join(stateDir, 'logs', 'connector.log'),
    outputFile: join(stateDir, 'connector.out'),
    pidFile: join(stateDir, 'connector.pid'),
    systemdUnit: join(xdg.configHome, 'systemd', 'user', `${SERVICE_NAME}.service`),
    autostartEntry: join(xdg.configHome, 'autostart', `${SERVICE_NAME}.desktop`),
  };
}

/** The environment a started connector gets, so it finds the same directories whatever launched it. */
export function xdgEnvironment(xdg: XdgDirs): Record<string, string> {
  return { HOME: xdg.home, XDG_CONFIG_HOME: xdg.configHome, XDG_DATA_HOME: xdg.dataHome, XDG_STATE_HOME: xdg.stateHome };
}
