/**
 * The few mini-program runtime globals the example uses, declared here instead of pulling in
 * miniprogram-api-typings. In a real project that package (or the DevTools' template typings) replaces this file.
 */
declare namespace MiniProgramLite {
  type Wx = import('./wxpay-client.js').WxLike &
    import('./session-store.js').KeyValueStorage &
    import('./sandbox-wx.js').WxModal & {
      showToast(options: { title: string; icon?: 'success' | 'error' | 'loading' | 'none'; duration?: number }): void;
      navigateTo(options: { url: string }): void;
    };

  interface PageInstance<D> {
    readonly data: D;
    setData(patch: Partial<D>, callback?: () => void): void;
  }

  type PageOptions<D, M> = {
    data: D;
    onLoad?(query: Record<string, string | undefined>): void;
    onShow?(): void;
  } & M &
    ThisType<PageInstance<D> & M>;

  /** A tap on an element with `data-*` attributes (`data-goods-id` arrives as `dataset.goodsId`). */
  interface TapEvent {
    readonly currentTarget: { readonly dataset: Readonly<Record<string, unknown>> };
  }
}

declare const wx: MiniProgramLite.Wx;
declare function App<T extends object>(options: T & { onLaunch?(): void } & ThisType<T>): void;
/** The object given to App(); the caller names its type. */
declare function getApp<T extends object>(): T;
declare function Page<D extends object, M extends object>(options: MiniProgramLite.PageOptions<D, M>): void;
