// One gRPC channel to one service, shared by its service stub and its grpc.health.v1 stub.
// Reconnect backoff is kept short (100 ms → 1 s) so a restarted service is found again fast.
// Every call on the channel carries the per-install service secret (one client interceptor, so
// no method can forget it; the services answer UNAUTHENTICATED without it).
// Calls name their RPC as a key of the generated client interface `C` (see proto/src/rpc.ts), so
// the request and response types come from the .proto and a renamed RPC fails to compile.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { HEALTH_PROTO_PATH, wireName, type RequestOf, type ResponseOf, type RpcName, type ServiceContract } from '@pi-forge/proto';
import { GRPC_CHANNEL_OPTIONS, serviceSecretClientInterceptor } from '@pi-forge/runtime';

export type ServiceState = 'serving' | 'not_serving' | 'unreachable';

const LOADER_OPTIONS: protoLoader.Options = { longs: Number, enums: String, defaults: true, oneofs: true };
const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  ...GRPC_CHANNEL_OPTIONS,
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 1000,
  'grpc.min_reconnect_backoff_ms': 100,
};

type Stub = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

/** The message type a stream carries (generated client-streaming requests are Observables). */
type StreamItem<T> = T extends { subscribe(observer: (value: infer V) => void): unknown } ? V : T;

function loadStubConstructor(protoPath: string, qualifiedName: string): grpc.ServiceClientConstructor {
  const def = protoLoader.loadSync(protoPath, LOADER_OPTIONS);
  let node: unknown = grpc.loadPackageDefinition(def);
  for (const part of qualifiedName.split('.')) node = (node as Record<string, unknown>)[part];
  return node as grpc.ServiceClientConstructor;
}

const healthConstructor = loadStubConstructor(HEALTH_PROTO_PATH, 'grpc.health.v1.Health');

export class ServiceChannel<C> {
  readonly channel: grpc.Channel;
  readonly stub: Stub;
  private readonly health: Stub;
  /** Told about every finished unary call (gRPC status code, milliseconds); the metrics module sets it. */
  onCall: ((method: string, code: number, ms: number) => void) | undefined;

  constructor(
    readonly contract: ServiceContract,
    readonly url: string,
    secret: string,
  ) {
    this.channel = new grpc.Channel(url, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
    const Ctor = loadStubConstructor(contract.protoPath, `${contract.package}.${contract.service}`);
    const interceptors = [serviceSecretClientInterceptor(secret)];
    this.stub = new Ctor(url, grpc.credentials.createInsecure(), { channelOverride: this.channel, interceptors }) as Stub;
    this.health = new healthConstructor(url, grpc.credentials.createInsecure(), { channelOverride: this.channel, interceptors }) as Stub;
  }

  /** A unary call with a deadline; rejects with the grpc ServiceError. */
  unary<M extends RpcName<C>>(
    rpc: M,
    request: RequestOf<C[M]>,
    timeoutMs = 30_000,
    metadata = new grpc.Metadata(),
  ): Promise<ResponseOf<C[M]>> {
    const method = wireName(rpc);
    let fn: (...args: unknown[]) => unknown;
    try {
      fn = this.method(method);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      fn.call(
        this.stub,
        request,
        metadata,
        { deadline: Date.now() + timeoutMs },
        (err: grpc.ServiceError | null, res: ResponseOf<C[M]>) => {
          this.onCall?.(method, err?.code ?? grpc.status.OK, performance.now() - started);
          if (err) reject(err);
          else resolve(res);
        },
      );
    });
  }

  /** A server-streaming call as a grpc-js readable stream (pause() it for backpressure); no deadline unless given. */
  serverStream<M extends RpcName<C>>(rpc: M, request: RequestOf<C[M]>, timeoutMs?: number): grpc.ClientReadableStream<ResponseOf<C[M]>> {
    const options: grpc.CallOptions = timeoutMs === undefined ? {} : { deadline: Date.now() + timeoutMs };
    return this.method(wireName(rpc)).call(this.stub, request, new grpc.Metadata(), options) as grpc.ClientReadableStream<ResponseOf<C[M]>>;
  }

  /** A client-streaming call: write requests (honouring write()'s false), end(), await the result. */
  clientStream<M extends RpcName<C>>(
    rpc: M,
    timeoutMs: number,
  ): { stream: grpc.ClientWritableStream<StreamItem<RequestOf<C[M]>>>; result: Promise<ResponseOf<C[M]>> } {
    let stream!: grpc.ClientWritableStream<StreamItem<RequestOf<C[M]>>>;
    const result = new Promise<ResponseOf<C[M]>>((resolve, reject) => {
      stream = this.method(wireName(rpc)).call(
        this.stub,
        new grpc.Metadata(),
        { deadline: Date.now() + timeoutMs },
        (err: grpc.ServiceError | null, res: ResponseOf<C[M]>) => (err ? reject(err) : resolve(res)),
      ) as grpc.ClientWritableStream<StreamItem<RequestOf<C[M]>>>;
    });
    return { stream, result };
  }

  /** A bidirectional call as a grpc-js duplex stream, typed by the caller (oneofs arrive in proto-loader's shape). */
  duplex<M extends RpcName<C>, Write, Read>(rpc: M): grpc.ClientDuplexStream<Write, Read> {
    return this.method(wireName(rpc)).call(this.stub, new grpc.Metadata()) as grpc.ClientDuplexStream<Write, Read>;
  }

  private method(name: string): (...args: unknown[]) => unknown {
    const fn = this.stub[name];
    // Only reachable when the .proto loaded at run time differs from the one compiled against.
    if (typeof fn !== 'function') throw new Error(`${this.contract.service} has no method ${name}`);
    return fn;
  }

  /** grpc.health.v1 Check of the whole server, within timeoutMs. */
  async check(timeoutMs: number): Promise<ServiceState> {
    try {
      const res = await new Promise<{ status: string }>((resolve, reject) => {
        (this.health.Check as (...a: unknown[]) => void).call(
          this.health,
          { service: '' },
          new grpc.Metadata(),
          { deadline: Date.now() + timeoutMs },
          (err: grpc.ServiceError | null, r: { status: string }) => (err ? reject(err) : resolve(r)),
        );
      });
      return res.status === 'SERVING' ? 'serving' : 'not_serving';
    } catch {
      return 'unreachable';
    }
  }

  close(): void {
    this.stub.close();
    this.health.close();
    this.channel.close();
  }
}
