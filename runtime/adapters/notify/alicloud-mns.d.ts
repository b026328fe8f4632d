/** The part of `@alicloud/mns` (which ships no types) that the adapters and tests use. */
declare module '@alicloud/mns' {
  interface MnsResponse<T> {
    code: number;
    headers: Record<string, string | undefined>;
    body: T;
  }
  interface MnsClientOptions {
    endpoint?: string;
    region?: string;
    secure?: boolean;
    internal?: boolean;
    vpc?: boolean;
    accessKeyId: string;
    accessKeySecret: string;
    securityToken?: string;
    readTimeout?: number;
    connectTimeout?: number;
    /** Called before a request once `refreshSTSTokenInterval` ms have passed since the last refresh. */
    refreshSTSToken?: () => Promise<{ accessKeyId: string; accessKeySecret: string; securityToken: string }>;
    refreshSTSTokenInterval?: number;
  }
  interface MnsMessageParams {
    MessageBody: string;
    DelaySeconds?: number;
    Priority?: number;
    MessageTag?: string;
  }
  class MNSClient {
    constructor(accountId: string, options: MnsClientOptions);
    createQueue(name: string, params?: Record<string, unknown>): Promise<MnsResponse<unknown>>;
    createTopic(name: string, params?: Record<string, unknown>): Promise<MnsResponse<unknown>>;
    sendMessage(queue: string, params: MnsMessageParams): Promise<MnsResponse<{ MessageId: string; MessageBodyMD5: string }>>;
    publishMessage(topic: string, params: MnsMessageParams): Promise<MnsResponse<{ MessageId: string; MessageBodyMD5: string }>>;
    receiveMessage(
      queue: string,
      waitSeconds?: number,
    ): Promise<
      MnsResponse<{
        MessageId: string;
        ReceiptHandle: string;
        MessageBody: string;
        MessageBodyMD5: string;
        EnqueueTime: string;
        NextVisibleTime: string;
        FirstDequeueTime: string;
        DequeueCount: string;
        Priority: string;
      }>
    >;
    deleteMessage(queue: string, receiptHandle: string): Promise<MnsResponse<undefined>>;
  }
  export = MNSClient;
}
