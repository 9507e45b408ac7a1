import type { Provider } from '@nestjs/common';
import { Relays } from './relays.service';
import { POD_COMMANDS_VIA_RELAY } from './relay.tokens';

/**
 * The distributed mode's relays of the log (add to the app's providers with
 * TRANSPORT=kafka): `Relays` (start it once with `app.get(Relays).start()`
 * after `ClusterState.start()`; it relays only while leader), and the flag
 * that makes NodeLink leave RunPod/StopPod to the relay.
 */
export const RELAY_PROVIDERS: Provider[] = [{ provide: POD_COMMANDS_VIA_RELAY, useValue: true }, Relays];

export { Relays } from './relays.service';
export { POD_COMMANDS_VIA_RELAY, CHECKPOINT_STORE } from './relay.tokens';
