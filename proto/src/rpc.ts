// The typed RPC seam. ts-proto (nestJs=true) generates, per service, a client interface (what the
// gateway calls) and a controller interface (what a service implements), keyed by the RPC's name in
// lowerCamel. Both sides name RPCs only as keys of those interfaces, so renaming or removing an RPC
// in a .proto fails `tsc` where it is called and where it is handled (proto/test/rpc-seam.test.ts).
import { GrpcMethod, GrpcStreamCall } from '@nestjs/microservices';
import type { Observable } from 'rxjs';

/** The RPC names of a generated client or controller interface (lowerCamel, as ts-proto spells them). */
export type RpcName<S> = Extract<keyof S, string>;

/** The request message of a generated method (a stream of them for client streaming). */
export type RequestOf<F> = F extends (request: infer Req, ...rest: never[]) => unknown ? Req : never;

/** The response message of a generated client method. */
export type ResponseOf<F> = F extends (...args: never[]) => Observable<infer Res> ? Res : never;

/**
 * A generated client interface as the gateway uses it: every RPC except the `Raw` ones (streams the
 * gateway drives as grpc-js streams, for backpressure) is a method taking the request and returning
 * a promise of the response. A client class `implements` this, so it offers every unary RPC, and
 * naming a streaming RPC that no longer exists in `Raw` fails too.
 */
export type PromiseClient<C, Raw extends RpcName<C> = never> = {
  [K in Exclude<RpcName<C>, Raw>]: (request: RequestOf<C[K]>) => Promise<ResponseOf<C[K]>>;
};

/** The method name on the wire (and in grpc-js stubs): ts-proto lowercases only the first letter. */
export function wireName(rpc: string): string {
  return rpc.charAt(0).toUpperCase() + rpc.slice(1);
}

type MethodDecorator = <K extends string>(target: object, key: K, descriptor: PropertyDescriptor) => void;

export interface RpcDecorators<C> {
  /**
   * Marks a unary or server-streaming handler; the RPC is the method's own name, which must be a
   * key of the controller interface (`@AgentRpc.method getSession(…)`).
   */
  method: <K extends RpcName<C>>(target: object, key: K, descriptor: PropertyDescriptor) => void;
  /** Marks a handler that takes the raw grpc-js call (client or bidi streams with backpressure). */
  streamCall: <K extends RpcName<C>>(target: object, key: K, descriptor: PropertyDescriptor) => void;
}

/** The handler decorators of one service (exported ready-made per service from `@pi-forge/proto`). */
export function rpcDecorators<C>(service: string): RpcDecorators<C> {
  const method: MethodDecorator = (target, key, descriptor) => {
    GrpcMethod(service, wireName(key))(target, key, descriptor);
  };
  const streamCall: MethodDecorator = (target, key, descriptor) => {
    GrpcStreamCall(service, wireName(key))(target, key, descriptor);
  };
  return { method, streamCall };
}

type HandlerClass = abstract new (...args: never[]) => object;
/** Distributes over the union, so a key handled by any one class counts (plain keyof would intersect). */
type KeysOf<T> = T extends HandlerClass ? keyof InstanceType<T> : never;
type Covered<H extends readonly HandlerClass[]> = KeysOf<H[number]>;
type Uncovered<C, H extends readonly HandlerClass[]> = Exclude<RpcName<C>, Covered<H>>;

/**
 * The handler classes of one service, checked at compile time to cover every RPC of its controller
 * interface together: `controllers: rpcHandlers<AgentServiceController>()(SessionsGrpcHandler, …)`.
 * A missing RPC shows up as a `missingRpcHandlers` type error naming it.
 */
export function rpcHandlers<C>() {
  return <const H extends readonly HandlerClass[]>(
    ...handlers: H & ([Uncovered<C, H>] extends [never] ? unknown : { missingRpcHandlers: Uncovered<C, H> })
  ): H[number][] => [...handlers];
}

/**
 * What a handler class `implements`: the controller interface's signatures for every RPC the class
 * handles (`class SessionsGrpcHandler implements Handles<AgentServiceController, SessionsGrpcHandler>`).
 * `Raw` names handlers that take the raw grpc-js call instead (checked by name through the decorator).
 */
export type Handles<C, H, Raw extends RpcName<C> = never> = Pick<C, Exclude<Extract<keyof H, RpcName<C>>, Raw>>;
